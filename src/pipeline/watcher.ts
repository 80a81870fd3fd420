// `perfrecon watch`: takes files from inbox/ once they are complete. Two ways to tell:
//  1. temp-name-then-rename (preferred): write `.name.csv` or `name.csv.tmp` / `.part`, then rename
//     to the final name; the final name is taken at the next look (no waiting);
//  2. stable size: a file written in place is taken once its size and modification time have not
//     changed for PERFRECON_WATCH_STABLE_MS (default 2 s). A writer that pauses longer than that
//     mid-file must use (1).
// Polling, not file-system events: it behaves the same on local disks, NFS and SMB shares, and
// on object storage, where an object listed is complete (no partial writes) and taken at once.
import type { Logger } from '../observe/logger.ts';
import { type IntakeDeps, type IntakeReceipt, intakeInboxFile, recoverProcessing } from './intake.ts';
import { isInProgressName } from './landing.ts';

export interface WatcherOptions {
  intervalMs: number;
  stableMs: number;
  /** How often processing/ is checked for files left without a job. */
  recoveryIntervalMs?: number;
  onIntake?: (receipt: IntakeReceipt) => void;
}

export interface Watcher {
  /** One look into inbox/: returns the files taken. */
  scan(): Promise<IntakeReceipt[]>;
  stop(): Promise<void>;
}

interface Observation {
  size: number;
  mtimeMs: number;
  since: number;
}

export async function startWatcher(deps: IntakeDeps, options: WatcherOptions): Promise<Watcher> {
  const logger: Logger = deps.logger;
  await deps.landing.ensure();
  const seen = new Map<string, Observation>();
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let lastRecovery = 0;
  const recoveryIntervalMs = options.recoveryIntervalMs ?? 60_000;

  async function scan(): Promise<IntakeReceipt[]> {
    const taken: IntakeReceipt[] = [];
    const entries = await deps.landing.listInbox();
    const now = Date.now();
    const present = new Set<string>();
    for (const entry of entries) {
      if (stopped) break;
      if (isInProgressName(entry.name)) continue;
      present.add(entry.name);
      if (!entry.complete) {
        const previous = seen.get(entry.name);
        if (previous === undefined || previous.size !== entry.size || previous.mtimeMs !== entry.modifiedMs) {
          seen.set(entry.name, { size: entry.size, mtimeMs: entry.modifiedMs, since: now });
          if (options.stableMs > 0) continue;
        } else if (now - previous.since < options.stableMs) {
          continue;
        }
      }
      try {
        const receipt = await intakeInboxFile(deps, entry);
        seen.delete(entry.name);
        if (receipt === undefined) continue;
        taken.push(receipt);
        options.onIntake?.(receipt);
      } catch (error) {
        // Left in inbox/ and tried again at the next look (database down, file locked…).
        logger.warn(
          { err: error, file: entry.name },
          `could not take ${entry.name} from the inbox: ${(error as Error).message}`,
        );
      }
    }
    for (const name of seen.keys()) if (!present.has(name)) seen.delete(name);
    if (!stopped && now - lastRecovery >= recoveryIntervalMs) {
      lastRecovery = now;
      await recoverProcessing(deps, recoveryIntervalMs).catch((error: Error) =>
        logger.warn({ err: error }, `could not check processing/ for files without a job: ${error.message}`),
      );
    }
    return taken;
  }

  // At start, every file in processing/ without a job is queued (an intake interrupted by a crash).
  await recoverProcessing(deps).catch((error: Error) =>
    logger.warn({ err: error }, `could not check processing/ for files without a job: ${error.message}`),
  );
  lastRecovery = Date.now();

  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = scan()
      .catch((error: Error) => logger.warn({ err: error }, `inbox scan failed: ${error.message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  tick();

  return {
    scan: async () => {
      await running;
      return scan();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
