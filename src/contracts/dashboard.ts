// What GET /api/v1/dashboard returns: the counts an on-call engineer reads first, each counted
// in the database (never capped by a page size).
import { type Static, Type } from 'typebox';
import { FILE_STATUSES } from '../domain/file-status.ts';
import { IsoDate, Nullable, StringEnum, Timestamp } from './common.ts';

export const Dashboard = Type.Object({
  generatedAt: Timestamp,
  files: Type.Array(Type.Object({ status: StringEnum(FILE_STATUSES), count: Type.Integer() }), {
    description: 'files received since `since`, by status (statuses without files left out)',
  }),
  passRate: Type.Array(
    Type.Object({
      day: IsoDate,
      checked: Type.Integer(),
      passed: Type.Integer(),
      rate: Nullable(Type.Number({ description: 'passed / checked (0-1); null when nothing was checked' })),
    }),
    {
      description: 'checks of the completed runs per day at the reader’s UTC offset, oldest first, every day',
    },
  ),
  breaks: Type.Object({
    active: Type.Integer({ description: 'open, acknowledged or pending approval' }),
    byVendorAndAge: Type.Array(
      Type.Object({
        vendor: Type.String(),
        ageBucket: Type.String({ description: 'as a break’s ageBucket: 0-1 days … over 30 days' }),
        count: Type.Integer(),
      }),
    ),
  }),
  deadLetters: Type.Object({ open: Type.Integer({ description: 'neither replayed nor resolved' }) }),
  alarms: Type.Object({
    firing: Type.Integer(),
    acknowledged: Type.Integer(),
  }),
});
export type Dashboard = Static<typeof Dashboard>;
