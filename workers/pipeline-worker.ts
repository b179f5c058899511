import { workerData } from 'piscina';
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
  return pipeline.runOnce() ?? { blocks: [], messages: 0 };
}

/** Read API searches run here too, off the thread that reads sockets. */
export async function query(q: QueryOptions): Promise<string> {
  try {
    return JSON.stringify({ events: await queryEvents(q) });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return JSON.stringify({
      error: { code: e.code ?? 'SLUICE_ERR_WORKER', message: e.message },
    });
  }
}
