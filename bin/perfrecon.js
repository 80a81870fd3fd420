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
// V8's code cache (and, on this Node.js, the stripped TypeScript) in the OS temp folder or
// NODE_COMPILE_CACHE: an interactive command does not compile its modules again on every start.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import('../src/cli/main.ts');
