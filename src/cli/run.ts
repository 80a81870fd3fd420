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

export function cliActor(): string {
  return `cli:${process.env.USER ?? process.env.LOGNAME ?? 'unknown'}`;
}
