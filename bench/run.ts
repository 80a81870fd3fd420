// `npm run bench`: runs every bench/*.bench.ts (each exports run(): Promise<string>, a
// markdown section with its method and figures) and writes them into BENCHMARKS.md.
// `npm run bench -- returns csv` runs only the benches whose file names contain a word given.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const benches = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort();

const target = path.resolve(dir, '../BENCHMARKS.md');
const existing = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
const sections = new Map<string, string>();
for (const match of existing.matchAll(/<!-- bench:(\S+) -->\n([\s\S]*?)<!-- \/bench -->/g)) {
  if (match[1] !== undefined && match[2] !== undefined) sections.set(match[1], match[2]);
}

for (const name of benches) {
  process.stderr.write(`running ${name}…\n`);
  const module = (await import(path.join(dir, name))) as { run(): Promise<string> };
  const section = await module.run();
  process.stdout.write(`${section}\n`);
  sections.set(name, `${section.trim()}\n`);
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
const body = [...sections.entries()].map(([name, text]) => `<!-- bench:${name} -->\n${text}<!-- /bench -->`);
fs.writeFileSync(
  target,
  `# Benchmarks\n\nWritten by \`npm run bench\` (each section by its \`bench/*.bench.ts\`; re-running one replaces its section).\nLast run on: ${machine}, ${new Date().toISOString().slice(0, 10)}.\nFigures are from one run on a shared 2-core machine; compare them within a section, not across machines.\n\n${body.join('\n\n')}\n`,
);
process.stderr.write(`wrote ${target}\n`);
