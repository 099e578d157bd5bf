// Stands in for the SDK source (`milvus/`) when the SDK's own tests run against Loupe: the
// installed @zilliz/milvus2-sdk-node package, with only the server's token filled in (the tests
// name an address but no token, as a Milvus without authentication would take).

import * as sdk from '@zilliz/milvus2-sdk-node';

export * from '@zilliz/milvus2-sdk-node';

const token = process.env.LOUPE_SDK_TOKEN ?? '';

export class HttpClient extends sdk.HttpClient {
  constructor(config: sdk.HttpClientConfig) {
    super({ token, ...config });
  }
}

export class MilvusClient extends sdk.MilvusClient {
  constructor(config: sdk.ClientConfig | string) {
    super(typeof config === 'string' ? { address: config, token } : { token, ...config });
  }
}
