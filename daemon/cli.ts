#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { codes, SluiceError } from './errors.js';
import { packageRoot } from './paths.js';
import { countEvents } from './storage/count.js';
import { kMaxLimit, queryEvents, type QueryOptions } from './storage/query.js';

/** Exit status for a command line that names something wrong. */
const kExitUsage = 2;
const kExitFailure = 1;
const kDefaultDataDir = './data';
const kLinesPerWrite = 500;

const kDigits = /^\d+$/;
const kIsoDate = /^\d{4}-\d{2}-\d{2}$/;
const kIsoDateTime =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A time as ms since the epoch or ISO 8601 with an explicit zone. */
function parseTime(value: string): number {
  if (kDigits.test(value)) return Number(value);

  // A date and time without a zone would silently mean local time.
  const ms = kIsoDate.test(value) || kIsoDateTime.test(value)
    ? Date.parse(value)
    : NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'Expected ms since the epoch or ISO 8601 UTC such as ' +
        '2024-05-01T10:00:00Z (a time needs Z or an offset).',
    );
  }
  return ms;
}

function parseScore(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('Expected a number >= 0.');
  }
  return n;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!kDigits.test(value) || n < 1 || n > kMaxLimit) {
    throw new InvalidArgumentError(
      `Expected an integer from 1 to ${kMaxLimit}.`);
  }
  return n;
}

/** commander's parsed flags carry exactly the query's option names. */
async function runQuery(q: QueryOptions): Promise<void> {
  const events = await queryEvents(q);

  for (let i = 0; i < events.length; i += kLinesPerWrite) {
    let chunk = '';
    for (const e of events.slice(i, i + kLinesPerWrite)) {
      chunk += JSON.stringify(e) + '\n';
    }
    await write(chunk);
  }
}

function write(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}

function version(): string {
  const file = join(packageRoot(), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string })
    .version;
}

function program(): Command {
  const p = new Command('sluice')
    .description('multi-tenant syslog ingestion daemon')
    .version(version())
    .exitOverride();

  p.command('run')
    .description('start the daemon')
    .option('--config <file>', 'configuration file (YAML or JSON)')
    .action(async (o: { config?: string }) => {
      const { startDaemon } = await import('./main.js');
      await startDaemon({ configPath: o.config });
    });

  p.command('query')
    .description('print stored events as ECS JSON, one per line')
    .requiredOption('--tenant <name>', 'tenant to read')
    .option('--from <time>', 'earliest @timestamp (ISO 8601 or ms)', parseTime)
    .option('--to <time>', 'end of the range, exclusive', parseTime)
    .option('--host <name>', 'exact log.syslog.hostname')
    .option('--app <name>', 'exact log.syslog.appname')
    .option('--category <name>', 'exact event.category')
    .option('--min-score <n>', 'lowest event.risk_score', parseScore)
    .option('--contains <text>', 'case-sensitive substring of message')
    .option('--limit <n>', 'most events printed (default 100)', parseLimit)
    .option('--data-dir <dir>', 'data directory', kDefaultDataDir)
    .action(runQuery);

  p.command('count')
    .description('print the number of stored events')
    .option('--tenant <name>', 'only this tenant')
    .option('--data-dir <dir>', 'data directory', kDefaultDataDir)
    .action(async (o: { tenant?: string; dataDir: string }) => {
      await write(`${await countEvents(o.dataDir, o.tenant)}\n`);
    });

  for (const c of p.commands) c.exitOverride();
  return p;
}

async function main(argv: string[]): Promise<number> {
  // `sluice query | head` closes the pipe early; that is not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });

  try {
    await program().parseAsync(argv);
    return 0;
  } catch (err) {
    // Commander has already printed its own message.
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : kExitUsage;
    }
    if (err instanceof SluiceError) {
      process.stderr.write(`sluice: ${err.message} (${err.code})\n`);
      return err.code === codes.queryInvalid ? kExitUsage : kExitFailure;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv);
