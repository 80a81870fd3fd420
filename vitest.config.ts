import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // Two cores here: more workers only queue on the embedded databases' start-up.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      // The UI's component tests: a DOM (jsdom) and React's JSX; no database.
      {
        extends: true,
        plugins: [react()],
        test: { name: 'ui', include: ['test/ui/**/*.test.tsx'], environment: 'jsdom' },
      },
    ],
  },
});
