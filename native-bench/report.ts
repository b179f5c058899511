/**
 * What every bench shares: tinybench settings that keep `make bench`
 * within a few minutes, the machine context printed above the figures,
 * and the number formats.
 */
import { cpus } from 'node:os';

import { Bench, type Task } from 'tinybench';

import type { Corpus } from './corpus.js';

/**
 * Time per task. One iteration is a pass over the corpus or a large
 * batch, so a few iterations already average out GC pauses; the default
 * minimum of 64 would make one slow baseline take minutes.
 */
const kTaskMs = Number(process.env.SLUICE_BENCH_MS ?? 1500);
const kMinIterations = 4;
const kWarmupMs = 500;
const kWarmupIterations = 2;

export function newBench(): Bench {
  return new Bench({
    time: kTaskMs,
    iterations: kMinIterations,
    warmupTime: kWarmupMs,
    warmupIterations: kWarmupIterations,
  });
}

/** One line naming the bench, the runtime, the CPU and the corpus. */
export function printContext(title: string, corpus: Corpus): void {
  const cpu = cpus();
  const model = cpu[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const count = corpus.starts.length;
  console.log(`\n== ${title}`);
  console.log(`node ${process.version} ${process.platform}-${process.arch},` +
    ` ${cpu.length} x ${model}`);
  console.log(`corpus ${corpus.path}: ${count.toLocaleString('en-US')} ` +
    `lines, ${(corpus.frameBytes / count).toFixed(0)} B/line`);
}

/** Mean seconds per iteration; a task that failed stops the bench. */
export function secondsPerRun(task: Task): number {
  const r = task.result;
  if (r.state !== 'completed') {
    const why = r.state === 'errored' ? `: ${String(r.error)}` : '';
    throw new Error(`${task.name} ${r.state}${why}`);
  }
  return r.latency.mean / 1000;
}

/** Relative margin of error of a task's mean, in percent. */
export function rmePercent(task: Task): string {
  const r = task.result;
  return r.state === 'completed' ? `±${r.latency.rme.toFixed(1)}%` : '';
}

/** A rate grouped by thousands, right-aligned in 12 columns. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(12);
}
