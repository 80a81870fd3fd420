// Connection isolation for the embedded database's socket server.
//
// PGlite is one PostgreSQL session; pglite-socket (0.2.x) serves many connections by queuing
// their protocol messages one at a time, and keeps a connection's messages together only while a
// transaction is open. An extended-protocol query (Parse, Bind, Describe, Execute, Sync) is not in
// a transaction between its messages, so two connections querying at once interleave: one's Parse
// replaces the other's unnamed statement before its Bind ("unnamed prepared statement does not
// exist", "bind message supplies 1 parameters, but prepared statement "" requires 4", or, when the
// shapes match, rows of the wrong query). Upstream: electric-sql/pglite#1046.
//
// The fix: once a connection has started an extended-query cycle, only its messages run until
// its Sync (or a simple Query, or Terminate) ends the cycle — the same rule PostgreSQL's own
// backend follows, since one backend serves one connection. A connection that disconnects
// mid-cycle releases it. A message that throws inside PGlite no longer stops the queue forever.
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

/** The parts of pglite-socket's (private) QueryQueueManager this patch replaces. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const code = (ch: string) => ch.charCodeAt(0);
/** Frontend messages that open or continue an extended-query (or COPY-in) cycle. */
const IN_CYCLE = new Set(['P', 'B', 'D', 'E', 'C', 'H', 'd'].map(code));

export function isolateConnections(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  if (typeof queue?.processQueue !== 'function' || !Array.isArray(queue.queue)) {
    throw new Error('pglite-socket changed: its query queue is not where connection isolation expects it');
  }
  // The connection whose extended-query cycle is open, if any.
  let cycleOwner: number | null = null;

  queue.processQueue = async () => {
    if (queue.processing || queue.queue.length === 0) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        const owner = cycleOwner ?? (queue.db.isInTransaction() ? queue.lastHandlerId : null);
        let item: QueuedMessage | undefined;
        if (owner === null) {
          item = queue.queue.shift();
        } else {
          const index = queue.queue.findIndex((queued) => queued.handlerId === owner);
          // The owner's next message has not arrived yet: everyone else waits for it.
          if (index === -1) break;
          item = queue.queue.splice(index, 1)[0];
        }
        if (item === undefined) break;
        const current = item;
        let bytes = 0;
        try {
          await queue.db.runExclusive(() =>
            queue.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
          current.resolve(bytes);
        } catch (error) {
          current.reject(error);
        }
        queue.lastHandlerId = current.handlerId;
        const type = current.message[0];
        cycleOwner = type !== undefined && IN_CYCLE.has(type) ? current.handlerId : null;
      }
    } finally {
      queue.processing = false;
    }
  };

  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clearQueueForHandler(handlerId);
    if (cycleOwner === handlerId) {
      cycleOwner = null;
      void queue.processQueue();
    }
  };
}
