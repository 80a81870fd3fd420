// JSON Schema of a vendor configuration as written in YAML (snake_case keys). Ajv checks the
// structure; vendor-config-parse.ts adds the checks a schema cannot express and the line numbers.
import { CANONICAL_FIELDS, DATE_FORMATS } from '../domain/vendor-config.ts';

const stringOrList = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  ],
};

const dateFormat = {
  anyOf: [{ enum: [...DATE_FORMATS] }, { type: 'array', items: { enum: [...DATE_FORMATS] }, minItems: 1 }],
};

const scalar = { type: ['string', 'number'] };

const precision = {
  type: 'object',
  additionalProperties: false,
  required: ['decimals', 'unit'],
  properties: {
    decimals: { type: 'integer', minimum: 0, maximum: 18 },
    unit: { enum: ['fraction', 'percent', 'bps'] },
  },
};

const summed = {
  type: 'array',
  minItems: 1,
  items: {
    anyOf: [
      { type: 'string', minLength: 1 },
      {
        type: 'object',
        additionalProperties: false,
        required: ['from'],
        properties: { from: { type: 'string', minLength: 1 }, negate: { type: 'boolean' } },
      },
    ],
  },
};

// Sub-schemas used many times are definitions referred to by `$ref`, so Ajv compiles each once
// (compiled inline, a field mapping was repeated ~70 times: 1.7 MB of code, ~0.35 s CPU at every
// command's start).
const fieldMappingRef = { $ref: '#/$defs/fieldMapping' };
const fieldsRef = { $ref: '#/$defs/fields' };

const fieldMapping = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        from: stringOrList,
        value: scalar,
        default: scalar,
        unit: { enum: ['fraction', 'percent', 'bps'] },
        negate: { type: 'boolean' },
        date_format: dateFormat,
        values: { type: 'object', additionalProperties: { type: 'string' } },
        cell: { type: 'string', pattern: '^[A-Za-z]{1,3}[1-9][0-9]*$' },
        title: { type: 'string', minLength: 1 },
        sum: summed,
        precision,
      },
    },
  ],
};

const fields = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, fieldMappingRef])),
};

// An array of flows (JSON: amount, date, timing are paths in one element) or a flow of the
// record itself (amount, date, timing are field mappings: a column, a path, a constant).
const flow = {
  type: 'object',
  additionalProperties: false,
  required: ['amount'],
  properties: {
    array: { type: 'string', pattern: '\\[\\]$' },
    amount: fieldMappingRef,
    date: fieldMappingRef,
    timing: fieldMappingRef,
    negate: { type: 'boolean' },
  },
};

const periods = {
  anyOf: [
    { enum: ['consecutive_points'] },
    {
      type: 'object',
      additionalProperties: false,
      required: ['from'],
      properties: {
        from: { enum: ['consecutive_points'] },
        spacing: { enum: ['days', 'business_days', 'months', 'any'] },
        on_gap: { enum: ['skip', 'flag'] },
      },
    },
  ],
};

const csvOptions = {
  type: 'object',
  additionalProperties: false,
  properties: {
    delimiter: { enum: ['auto', ',', ';', '\t', '|', 'tab'] },
    quote: { type: 'string', minLength: 1, maxLength: 1 },
    encoding: { type: 'string', minLength: 1 },
    header_scan_rows: { type: 'integer', minimum: 1 },
    footer_patterns: { type: 'array', items: { type: 'string' } },
  },
};

const jsonOptions = {
  type: 'object',
  additionalProperties: false,
  required: ['record_path'],
  properties: {
    record_path: { type: 'string', pattern: '\\[\\]$' },
    encoding: { type: 'string', minLength: 1 },
    schema: { type: 'object' },
  },
};

const xlsxOptions = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sheet: { type: 'string', minLength: 1 },
    sheet_pattern: { type: 'string', minLength: 1 },
    flow_sheet: { type: 'string', minLength: 1 },
    flow_sheet_pattern: { type: 'string', minLength: 1 },
    flow_fields: fieldsRef,
    footer_patterns: { type: 'array', items: { type: 'string' } },
    header_scan_rows: { type: 'integer', minimum: 1 },
  },
};

const sourceProperties = {
  format: { enum: ['csv', 'xlsx', 'json'] },
  file_patterns: stringOrList,
  csv: csvOptions,
  json: jsonOptions,
  xlsx: xlsxOptions,
  decimal: { enum: ['.', ','] },
  thousands: {
    anyOf: [
      { type: 'string', maxLength: 1 },
      { type: 'array', items: { type: 'string', maxLength: 1 } },
    ],
  },
  date_format: dateFormat,
  fields: fieldsRef,
  flows: { type: 'array', items: flow },
  periods,
};

const source = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'fields'],
  properties: sourceProperties,
};

export const vendorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name'],
  properties: {
    code: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    flow_timing: { enum: ['end_of_day', 'start_of_day', 'mixed'] },
    return_basis: { enum: ['gross', 'net'] },
    reported_precision: {
      type: 'object',
      additionalProperties: false,
      required: ['decimals', 'unit'],
      properties: {
        ...precision.properties,
        accounts: { type: 'object', additionalProperties: precision },
      },
    },
    large_flow_threshold: { type: 'number', exclusiveMinimum: 0 },
    tolerances: {
      type: 'object',
      additionalProperties: false,
      properties: {
        return_bps: { type: 'number', minimum: 0 },
        market_value_abs: { type: ['number', 'string'] },
        market_value_rel: { type: 'number', minimum: 0 },
      },
    },
    sources: { type: 'array', minItems: 1, items: { $ref: '#/$defs/source' } },
    ...sourceProperties,
  },
  $defs: { fieldMapping, fields, source },
};
