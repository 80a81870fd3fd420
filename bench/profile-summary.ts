// Summarises a V8 CPU profile (`node --cpu-prof`, e.g. `bench/ingest-goals.bench.ts --cpu-prof DIR`):
// self time by source file and the top functions, so BENCHMARKS.md can say where the time goes
// without a flame-graph viewer.  node bench/profile-summary.ts FILE.cpuprofile [--top 25]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: the project file, the package, or V8's own bucket. */
function place(url: string): string {
  if (url === '') return '(native/idle/gc)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByPlace = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    total += delta;
    const where = place(frame.url);
    selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + delta);
    const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + delta);
  });
  const table = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, us]) =>
          `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${name}`,
      )
      .join('\n');
  return `total ${(total / 1e6).toFixed(2)} s sampled\n\nself time by file:\n${table(selfByPlace)}\n\nself time by function:\n${table(selfByFunction)}\n`;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: node bench/profile-summary.ts FILE.cpuprofile [--top N]');
  const index = process.argv.indexOf('--top');
  const top = index >= 0 ? Number(process.argv[index + 1]) : 25;
  process.stdout.write(summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, top));
}
