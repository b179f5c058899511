import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/**
 * Structured logs for start-up, shutdown, configuration and faults only;
 * the per-message story is told by counters in /metrics.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({
    name: 'sluice',
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
