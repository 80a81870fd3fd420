#!/usr/bin/env node
// perfrecon runs its TypeScript sources directly on Node.js 22 (type stripping).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `perfrecon needs Node.js 22 or newer; this is ${process.version}.\n` +
      'Run it through npm (npx perfrecon, npm run ...), which uses the Node.js 22 installed by npm ci.\n',
  );
  process.exit(1);
}
await import('../src/cli/main.ts');
