import { type App, openApp } from '../../src/app.ts';
import type { TestEnv } from './test-env.ts';

export function openTestApp(env: TestEnv, options: { maxConnections?: number } = {}): Promise<App> {
  return openApp({ env: env.env, ...options });
}
