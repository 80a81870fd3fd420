// The layers of src/, lowest first; a folder may import its own layer's folders (as listed)
// and the layers below it, never above. `npm run check` fails on any import against them.
//
//   domain/                         shared types and value rules; imports nothing of the project
//   contracts/                      public output schemas (CLI --json, API); import domain/ only
//   read/ map/ validate/ calculate/ reconcile/ samples/
//                                   engines: pure work on domain values (read → map and
//                                   reconcile → calculate are the only links between them)
//   config/                         environment and YAML into typed, validated settings
//   observe/ cache/ alert/          adapters: logs, lineage events, cache, alert channels
//   store/                          PostgreSQL: the database, migrations and repositories
//   services/                       use cases; the only layer that imports store/ repositories
//   pipeline/                       intake, landing folder, queues, job handlers (calls services)
//   cli/ api/                       edges: parse input, call one service, format output
//   app.ts                          composition root, imported by edges and entry points only
const ENGINES = '^src/(read|map|validate|calculate|reconcile|samples)/';
/** The only imports between engines: the reader maps as it streams; reconciliation recomputes returns. */
const ENGINE_LINKS = { read: ['map'], map: [], validate: [], calculate: [], reconcile: ['calculate'], samples: [] };
const ADAPTERS = '^src/(observe|cache|alert)/';
const EDGES = '^src/(cli|api)/';

/** Everything a layer must not import, given what it may. */
const rule = (name, comment, from, forbidden) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: forbidden },
});

module.exports = {
  forbidden: [
    rule('contracts-are-shapes', 'contracts/ imports domain/ only', '^src/contracts/', '^src/(?!domain/|contracts/)'),
    rule('domain-is-the-bottom', 'domain/ imports nothing of the project', '^src/domain/', '^src/(?!domain/)'),
    rule(
      'engines-import-domain',
      'an engine imports domain/ and the engines below it only',
      ENGINES,
      '^src/(config|observe|cache|alert|store|services|pipeline|cli|api)/|^src/app\\.ts$',
    ),
    ...Object.entries(ENGINE_LINKS).map(([engine, allowed]) =>
      rule(
        'engines-apart',
        `${engine}/ imports ${allowed.length === 0 ? 'no other engine' : `only the engine ${allowed.join(', ')}/`}`,
        `^src/${engine}/`,
        `^src/(${Object.keys(ENGINE_LINKS)
          .filter((other) => other !== engine && !allowed.includes(other))
          .join('|')})/`,
      ),
    ),
    rule(
      'config-below-adapters',
      'config/ imports domain/ and engines only',
      '^src/config/',
      '^src/(observe|cache|alert|store|services|pipeline|cli|api)/|^src/app\\.ts$',
    ),
    rule(
      'adapters-below-store',
      'observe/, cache/ and alert/ import domain/, engines and config/ only',
      ADAPTERS,
      '^src/(store|services|pipeline|cli|api)/|^src/app\\.ts$',
    ),
    rule(
      'store-imports-domain',
      'store/ imports domain/ only (and the database drivers)',
      '^src/store/',
      '^src/(?!domain/|store/)',
    ),
    rule(
      'services-below-pipeline',
      'services/ never import the pipeline, an edge or the composition root',
      '^src/services/',
      '^src/(pipeline|cli|api)/|^src/app\\.ts$',
    ),
    rule(
      'only-services-use-repositories',
      'the pipeline calls services, never a repository (it may hold the database handle for its queue)',
      '^src/pipeline/',
      '^src/store/(?!db/database\\.ts$)|^src/(cli|api)/|^src/app\\.ts$',
    ),
    rule('edges-never-use-store', 'an edge calls services, never store/', EDGES, '^src/store/'),
    rule(
      'api-and-cli-apart',
      'the edges do not import each other; the CLI only starts the API (perfrecon api, serve)',
      '^src/cli/',
      '^src/api/(?!server\\.ts$)',
    ),
    rule('api-and-cli-apart', 'the two edges do not import each other', '^src/api/', '^src/cli/'),
    {
      name: 'no-folder-cycles',
      comment: 'no cycle between folders (or files)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // TypeScript 7 has no compiler API for the cruiser to parse with; swc reads the sources,
    // type-only imports included.
    parser: 'swc',
    tsPreCompilationDeps: true,
    includeOnly: '^src/',
  },
};
