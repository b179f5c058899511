import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { toErrorData } from '../daemon/errors.js';
import { queryEvents, type QueryOptions } from '../daemon/storage/query.js';
import { Pipeline, type BatchResult, type PipelineSetup } from './pipeline.js';

const pipeline = new Pipeline(workerData as PipelineSetup);

/**
 * One piscina task per sealed batch: the task carries no data, the
 * worker claims the batch from the shared ring itself. Should another
 * worker have claimed it first, this task finds nothing and returns an
 * empty result.
 */
export default function drain(): BatchResult {
  const result = pipeline.runOnce() ?? { blocks: [], messages: 0 };
  if (result.blocks.length === 0) return result;

  // Each block owns its whole ArrayBuffer (see BlockBuilder.encode), so
  // it moves to the main thread instead of being copied: that also
  // spares the main thread's heap an allocation per block.
  return move({
    [transferableSymbol]: result.blocks.map((b) => b.block.buffer),
    [valueSymbol]: result,
  }) as unknown as BatchResult;
}

/** Read API searches run here too, off the thread that reads sockets. */
export async function query(q: QueryOptions): Promise<string> {
  try {
    return JSON.stringify({ events: await queryEvents(q) });
  } catch (err) {
    return JSON.stringify({ error: toErrorData(err) });
  }
}
