// Append-only: never edit a migration that has shipped; add a new file instead.
// API tokens: only the SHA-256 of each token is kept (the token itself is shown once, at
// creation). A revoked token stays, so the audit log can still name whose it was.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_tokens (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
      role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
      token_sha256 text NOT NULL UNIQUE,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      revoked_by text,
      revoked_at timestamptz
    );
    -- A name identifies one caller in the audit log: one live token per name.
    CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;
    CREATE TRIGGER api_tokens_audit AFTER INSERT OR UPDATE OR DELETE ON api_tokens
      FOR EACH ROW EXECUTE FUNCTION audit_row('id');
  `.execute(db);
}
