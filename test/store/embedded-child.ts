// A perfrecon process on an embedded database, for the tests that share one between processes.
//
//   node test/store/embedded-child.ts <home> <writes>
//
// Opens the database and prints `open <mode>`, then writes <writes> rows (0: until stdin ends),
// one every 10 ms, printing `wrote <i>`. A write whose connection was lost mid-statement (the
// owner died while it ran: its outcome is unknown) is retried once, as an application would, and
// reported as `lost <i> <message>`; any other failure ends the process. It then waits for stdin
// to end, prints `done <mode> with <n> rows` (its rows in the table), closes the database and
// exits 0.
import { loadAppConfig } from '../../src/config/app-config.ts';
import { openDatabase } from '../../src/store/db/database.ts';

const [home = '', count = '0'] = process.argv.slice(2);
const writes = Number(count);
let stdinEnded = false;
const stdinEnd = new Promise<void>((resolve) => {
  process.stdin.on('end', () => {
    stdinEnded = true;
    resolve();
  });
  process.stdin.resume();
});

const database = await openDatabase(loadAppConfig({ PERFRECON_HOME: home, PERFRECON_LOG_LEVEL: 'silent' }));
process.stdout.write(`open ${database.mode}\n`);
await database.pool.query('CREATE TABLE IF NOT EXISTS shared_probe (pid int, i int, PRIMARY KEY (pid, i))');

const write = (i: number) =>
  database.pool.query('INSERT INTO shared_probe (pid, i) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    process.pid,
    i,
  ]);

const LOST = /Connection terminated unexpectedly|ECONNRESET|EPIPE|not queryable/;

for (let i = 1; writes === 0 ? !stdinEnded : i <= writes; i++) {
  try {
    await write(i);
  } catch (error) {
    const message = (error as Error).message;
    if (!LOST.test(message)) throw error;
    process.stdout.write(`lost ${i} ${message}\n`);
    await write(i);
  }
  process.stdout.write(`wrote ${i}\n`);
  await new Promise((resolve) => setTimeout(resolve, 10));
}
await stdinEnd;
const { rows } = await database.pool.query('SELECT count(*)::int AS n FROM shared_probe WHERE pid = $1', [
  process.pid,
]);
process.stdout.write(`done ${database.mode} with ${rows[0].n} rows\n`);
await database.close();
