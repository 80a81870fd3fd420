// What `perfrecon vendors list|show --json` prints and the API returns for vendor configurations.
import { type Static, Type } from 'typebox';
import { Nullable, Timestamp } from './common.ts';

export const VendorSummary = Type.Object({
  code: Type.String(),
  name: Type.String(),
  formats: Type.Array(Type.String(), { description: 'csv, xlsx, json: one per layout the vendor sends' }),
  filePatterns: Type.Array(Type.String(), { description: 'file-name patterns that select the vendor' }),
  flowTiming: Type.String(),
  returnBasis: Type.String(),
  version: Type.String({ description: 'content hash of the configuration' }),
  origin: Type.String({ description: 'the YAML file it was read from' }),
});
export type VendorSummary = Static<typeof VendorSummary>;

export const VendorDetail = Type.Object({
  summary: VendorSummary,
  configuration: Type.Record(Type.String(), Type.Unknown(), {
    description: 'the whole configuration as loaded',
  }),
  storedVersions: Type.Array(Type.Object({ version: Type.String(), firstSeen: Nullable(Timestamp) }), {
    description: 'the versions of it that produced stored data, oldest first',
  }),
});
export type VendorDetail = Static<typeof VendorDetail>;
