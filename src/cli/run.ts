import os from 'node:os';
import { type App, type OpenAppOptions, openApp } from '../app.ts';

/** Open the app, run a command with it, and always close the database. */
export async function withApp<T>(run: (app: App) => Promise<T>, options: OpenAppOptions = {}): Promise<T> {
  const app = await openApp(options);
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

/** Open the app for a command that only reads: it refuses a schema that is behind, never migrates it. */
export function withReadOnlyApp<T>(run: (app: App) => Promise<T>): Promise<T> {
  return withApp(run, { schema: 'current' });
}

/**
 * Who runs the command, for the audit log and the four-eyes check: the operating-system account
 * of the process, not $USER, which anyone can set to another person's name.
 */
export function cliActor(): string {
  return `cli:${os.userInfo().username}`;
}
