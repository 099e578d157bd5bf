// Milvus's protocol, as the official Node SDK ships it (protobuf JSON descriptors in its package,
// which is one of our dependencies): the gRPC service definition the SDK's MilvusClient calls,
// and the two messages that travel as opaque bytes inside requests (a collection schema, a
// search's placeholder group) and so must be decoded here.

import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
// Descriptors only (no SDK code runs): the service with the wire's snake_case names, and the
// schema/common messages the SDK encodes into bytes fields.
import milvusJson from '@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus';
import milvusBaseJson from '@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.base';
import schemaBaseJson from '@zilliz/milvus2-sdk-node/dist/milvus/proto-json/schema.base';

/** The SDK's own loader options, so both ends agree on names, enums (as strings) and int64s (as strings). */
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

let service: grpc.ServiceDefinition | undefined;

export function milvusService(): grpc.ServiceDefinition {
  if (!service) {
    const def = protoLoader.fromJSON(milvusJson as unknown as protobuf.INamespace, LOADER_OPTIONS);
    const loaded = grpc.loadPackageDefinition(def) as unknown as { milvus: { proto: { milvus: { MilvusService: { service: grpc.ServiceDefinition } } } } };
    service = loaded.milvus.proto.milvus.MilvusService.service;
  }
  return service;
}

let schemaRoot: protobuf.Root | undefined;
let baseRoot: protobuf.Root | undefined;

/** A CollectionSchema message as the SDK encodes it into CreateCollectionRequest.schema. */
export interface WireCollectionSchema {
  name?: string;
  description?: string;
  autoID?: boolean;
  enableDynamicField?: boolean;
  fields?: WireFieldSchema[];
  functions?: Array<{ name?: string; type?: string; inputFieldNames?: string[]; outputFieldNames?: string[]; params?: Array<{ key: string; value: string }> }>;
}

export interface WireFieldSchema {
  name?: string;
  description?: string;
  isPrimaryKey?: boolean;
  autoID?: boolean;
  dataType?: string;
  elementType?: string;
  typeParams?: Array<{ key: string; value: string }>;
  nullable?: boolean;
  isFunctionOutput?: boolean;
  isPartitionKey?: boolean;
  defaultValue?: Record<string, unknown>;
}

export function decodeCollectionSchema(bytes: Uint8Array): WireCollectionSchema {
  schemaRoot ??= protobuf.Root.fromJSON(schemaBaseJson as unknown as protobuf.INamespace);
  const type = schemaRoot.lookupType('milvus.proto.schema.CollectionSchema');
  return type.toObject(type.decode(bytes), { enums: String, longs: Number, defaults: false, arrays: true }) as WireCollectionSchema;
}

/** One query's values in a search request: float32 vectors, sparse vectors, or text (BM25). */
export interface WirePlaceholder {
  type: string;
  values: Uint8Array[];
}

export function decodePlaceholderGroup(bytes: Uint8Array): WirePlaceholder[] {
  baseRoot ??= protobuf.Root.fromJSON(milvusBaseJson as unknown as protobuf.INamespace);
  const type = baseRoot.lookupType('milvus.proto.common.PlaceholderGroup');
  const msg = type.toObject(type.decode(bytes), { enums: String, defaults: true, arrays: true }) as { placeholders: Array<{ type: string; values: Uint8Array[] }> };
  return msg.placeholders.map((p) => ({ type: p.type, values: p.values }));
}
