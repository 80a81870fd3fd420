// Staging overlapped with reading: a batch is copied into staging while the next one is read,
// mapped and calculated, so the database (another process on a server) and this process work at
// the same time. At most one batch is in flight, so memory stays bounded by two batches.
import type { StagedPeriod } from '../../store/period-repository.ts';

export class BatchStager {
  /** Rows staged so far (of batches whose copy has finished). */
  staged = 0;
  private inFlight: Promise<number> | undefined;
  private readonly stage: (batch: StagedPeriod[]) => Promise<number>;

  constructor(stage: (batch: StagedPeriod[]) => Promise<number>) {
    this.stage = stage;
  }

  /** Start staging `batch` once the batch before it has landed (its failure is thrown here). */
  async add(batch: StagedPeriod[]): Promise<void> {
    await this.flush();
    const pending = this.stage(batch);
    // Awaited by the next add() or flush(); until then a failure must not go unhandled.
    pending.catch(() => {});
    this.inFlight = pending;
  }

  /** Wait for the batch in flight; its failure is thrown here. */
  async flush(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = undefined;
    if (pending !== undefined) this.staged += await pending;
  }

  /** After a failure elsewhere: let the batch in flight land or fail, so that a discard finds it. */
  async settle(): Promise<void> {
    await this.flush().catch(() => {});
  }
}
