// The right-sizing hint: measured worker utilisation against how long files waited for a worker,
// over the days looked at. Waiting beats idling: files that wait call for a worker more than
// idle workers call for fewer.
export interface WorkerLoad {
  worker: string;
  /** Jobs it runs at a time. */
  slots: number;
  busySeconds: number;
  jobs: number;
}

export interface RightSizing {
  workers: number;
  /** Busy share of the workers' slots over the span (0…1); null without any job. */
  busyShare: number | null;
  /** Mean time a job waited between being due and being started, in seconds; null without jobs. */
  meanWaitSeconds: number | null;
  /** How many workers the measured load needs (at the target utilisation). */
  suggestedWorkers: number | null;
  hint: string;
}

/** Files waiting longer than this on average mean the workers do not keep up. */
const WAIT_LIMIT_SECONDS = 10 * 60;
/** Size for this share of busy time, leaving room for peaks. */
const TARGET_BUSY = 0.5;

const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
const minutes = (seconds: number) => `${Math.round(seconds / 60)} min`;

export function rightSizing(
  loads: readonly WorkerLoad[],
  spanSeconds: number,
  meanWaitSeconds: number | null,
): RightSizing {
  const workers = loads.length;
  const jobs = loads.reduce((sum, load) => sum + load.jobs, 0);
  if (workers === 0 || jobs === 0 || spanSeconds <= 0) {
    return {
      workers,
      busyShare: null,
      meanWaitSeconds: null,
      suggestedWorkers: null,
      hint: 'no jobs ran in the period: nothing to size from',
    };
  }
  const slotsPerWorker = Math.max(...loads.map((load) => load.slots));
  const capacity = loads.reduce((sum, load) => sum + load.slots, 0) * spanSeconds;
  const busy = loads.reduce((sum, load) => sum + load.busySeconds, 0);
  const busyShare = Math.min(1, busy / capacity);
  const needed = Math.max(1, Math.ceil(busy / (spanSeconds * slotsPerWorker * TARGET_BUSY)));
  const were = `${workers} worker${workers === 1 ? ' was' : 's were'} busy ${percent(busyShare)} of the time`;
  let hint: string;
  let suggestedWorkers = workers;
  if (meanWaitSeconds !== null && meanWaitSeconds > WAIT_LIMIT_SECONDS) {
    suggestedWorkers = Math.max(workers + 1, needed);
    hint = `files waited ${minutes(meanWaitSeconds)} on average; add a worker (${were})`;
  } else if (needed < workers) {
    suggestedWorkers = needed;
    hint = `${were}; ${needed} ${needed === 1 ? 'is' : 'are'} enough`;
  } else {
    hint = `${were}; files waited ${Math.round(meanWaitSeconds ?? 0)} s on average: the workers fit the load`;
  }
  return { workers, busyShare, meanWaitSeconds, suggestedWorkers, hint };
}
