// Failpoints for crash tests: with PERFRECON_FAILPOINT=<name>, the process kills itself with
// SIGKILL when it reaches that point — a real crash at an exact step, no cleanup, no finally.
// Names: intake:placed, job:start, job:reading, job:stored, job:filed, dlq:recorded.
export function failpoint(configured: string | undefined, name: string): void {
  if (configured !== name) return;
  process.stderr.write(`failpoint ${name}: killing process ${process.pid} with SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered asynchronously; nothing after this point may run.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
