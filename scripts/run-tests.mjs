#!/usr/bin/env node
// Runs every test file under test/ in its own uvu process and closes with
// one line, "N passed, N failed". uvu's own summary has no failed count
// and an empty run exits 0, so this wrapper reads each file's summary and
// fails when anything failed, crashed, hung or when no test ran at all.
//
// Usage: node scripts/run-tests.mjs [FILTER...]
//   FILTER  substrings of test file paths; only matching files run
// Env:    SLUICE_TEST_FILE_TIMEOUT_MS  per-file limit (default 300000)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testDir = join(root, 'test');
const uvuBin = join(root, 'node_modules', 'uvu', 'bin.js');
const kTestFile = /\.test\.ts$/;
const kDefaultFileTimeoutMs = 300_000;
const kKillGraceMs = 5_000;
const fileTimeoutMs =
  Number(process.env.SLUICE_TEST_FILE_TIMEOUT_MS) || kDefaultFileTimeoutMs;

// uvu colours its output even into a pipe; the codes would sit between
// the summary labels and the numbers. (Setting NO_COLOR instead makes
// Node warn on stderr wherever FORCE_COLOR is set too.)
const kAnsi = /\x1b\[[0-9;]*m/g;

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (kTestFile.test(entry.name)) found.push(path);
  }
  return found.sort();
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function summaryNumber(output, label) {
  const match = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(output);
  return match === null ? undefined : Number(match[1]);
}

// uvu walks a folder and filters by a pattern on the path relative to it,
// so a file's own folder plus an anchored name selects exactly that file.
function runFile(file) {
  const args = [uvuBin, '-r', 'tsx', dirname(file),
    `^${escapeRegExp(basename(file))}$`];
  return new Promise((resolve) => {
    // A process group of its own, so a hung file's daemons die with it.
    const child = spawn(process.execPath, args,
      { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), kKillGraceMs).unref();
    }, fileTimeoutMs);

    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, output: output.replace(kAnsi, '') });
    });
  });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has already gone.
  }
}

function tally(result) {
  const total = summaryNumber(result.output, 'Total');
  const passed = summaryNumber(result.output, 'Passed');
  const skipped = summaryNumber(result.output, 'Skipped') ?? 0;

  // No summary means the file crashed or hung before finishing: count it
  // as one failure so it cannot pass silently.
  if (total === undefined || passed === undefined) {
    return { passed: 0, failed: 1, why: result.timedOut ? 'timed out' :
      `exited ${result.code ?? result.signal} without a summary` };
  }

  // A skipped test is not a passed one.
  let failed = total - passed;
  let why = failed > 0 ? `${failed - skipped} failed, ${skipped} skipped` : '';
  if (failed === 0 && (result.code !== 0 || result.timedOut)) {
    failed = 1;
    why = result.timedOut ? 'timed out' : `exited ${result.code}`;
  }
  return { passed, failed, why };
}

async function main() {
  const filters = process.argv.slice(2);
  const files = findTests(testDir).filter((file) => filters.length === 0 ||
    filters.some((f) => relative(root, file).includes(f)));

  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const name = relative(root, file);
    const started = Date.now();
    const result = await runFile(file);
    const counts = tally(result);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    passed += counts.passed;
    failed += counts.failed;
    if (counts.failed === 0) {
      console.log(`ok   ${name} (${counts.passed} tests, ${seconds}s)`);
    } else {
      console.log(`FAIL ${name} (${counts.why}, ${seconds}s)`);
      console.log(result.output.trimEnd().replace(/^/gm, '     | '));
    }
  }

  if (files.length === 0) console.log('no test files found');
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

await main();
