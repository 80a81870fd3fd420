// Append-only: never edit a migration that has shipped; add a new file instead.
// Alarms: one row per episode of a rule (and its subject, e.g. a vendor) from FIRING to RESOLVED;
// at most one episode of a rule and subject is not resolved. OK is the absence of such a row.
// Audited like every state a person acts on. Evaluations take turns across processes.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE alarms (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      rule text NOT NULL,
      subject text NOT NULL DEFAULT '',
      metric text NOT NULL,
      condition text NOT NULL CHECK (condition IN ('>', '>=', '<', '<=')),
      threshold double precision NOT NULL,
      severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      state text NOT NULL CHECK (state IN ('FIRING', 'ACKNOWLEDGED', 'RESOLVED')),
      value double precision NOT NULL,
      message text NOT NULL,
      fired_at timestamptz NOT NULL,
      escalate_at timestamptz,
      escalated_at timestamptz,
      acknowledged_at timestamptz,
      acknowledged_by text,
      resolved_at timestamptz,
      updated_at timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX alarms_one_active ON alarms (rule, subject) WHERE state <> 'RESOLVED';
    CREATE INDEX alarms_fired_at ON alarms (fired_at);
    -- When the alarms were last evaluated, by any process: the others skip their turn.
    CREATE TABLE alarm_evaluations (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      evaluated_at timestamptz NOT NULL,
      evaluated_by text NOT NULL
    );
    CREATE TRIGGER alarms_audit AFTER INSERT OR UPDATE OR DELETE ON alarms
      FOR EACH ROW EXECUTE FUNCTION audit_row('id');
  `.execute(db);
}
