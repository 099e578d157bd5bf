// Filter templates: `expr_template_values` (map<string, TemplateValue>) carries the values of a
// filter written with `{name}` placeholders (the SDK's `exprValues`, which Loupe's own Milvus
// backend uses); they become the REST door's `exprParams`.

import type { JsonValue } from '../schema/types';
import { RestCode, RestError } from '../rest/wire';

type Req = Record<string, unknown>;

/**
 * `expr_template_values` (map<string, TemplateValue>) → the engine's filter params, for filters
 * written with `{name}` placeholders. With grpc-js's oneofs, each value names its set member.
 */
export function templateValuesOf(req: Req): Record<string, JsonValue> | undefined {
  const raw = req.expr_template_values as Record<string, Record<string, unknown>> | undefined;
  if (!raw || Object.keys(raw).length === 0) return undefined;
  const out: Record<string, JsonValue> = {};
  for (const [name, v] of Object.entries(raw)) out[name] = templateValue(v, `expr_template_values.${name}`);
  return out;
}

function templateValue(v: Record<string, unknown>, where: string): JsonValue {
  const member = (typeof v.val === 'string' ? v.val : Object.keys(v).find((k) => v[k] !== null && v[k] !== undefined && k !== 'val')) ?? '';
  switch (member) {
    case 'bool_val':
      return !!v.bool_val;
    case 'int64_val': {
      const n = Number(v.int64_val);
      if (!Number.isSafeInteger(n)) throw new RestError(RestCode.IncorrectParameterFormat, `${where}: ${String(v.int64_val)} is not an integer Loupe can hold exactly`);
      return n;
    }
    case 'float_val':
      return Number(v.float_val);
    case 'string_val':
      return String(v.string_val);
    case 'array_val': {
      const a = v.array_val as Record<string, { data?: unknown[] } | null>;
      const key = (typeof a.data === 'string' ? (a.data as string) : Object.keys(a).find((k) => a[k] && k !== 'data')) ?? '';
      const data = (a[key] as { data?: unknown[] } | null)?.data ?? [];
      if (key === 'long_data') return data.map((x) => Number(x));
      if (key === 'json_data') return data.map((b) => JSON.parse(Buffer.from(b as Uint8Array).toString('utf8')) as JsonValue);
      if (key === 'array_data') return data.map((x, i) => templateValue({ array_val: x as Record<string, unknown> }, `${where}[${i}]`));
      return data as JsonValue[];
    }
    default:
      throw new RestError(RestCode.IncorrectParameterFormat, `${where}: a template value with no value set`);
  }
}

