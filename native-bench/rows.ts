/**
 * The corpus as the rows a worker hands the encoder: parsed, hashed and
 * classified beforehand, so a bench of the encoder times encoding only.
 */
import { createHash } from 'node:crypto';

import { type Classification, Classifier } from '../workers/classify/engine.js';
import { loadRules } from '../workers/classify/rules.js';
import { Transport, type EventRow } from '../workers/encode/row.js';
import { messageExtent } from '../workers/parse/extent.js';
import { createMessage } from '../workers/parse/message.js';
import { parseSyslog } from '../workers/parse/syslog.js';
import type { Corpus } from './corpus.js';

/** The receive time the year of BSD timestamps is inferred from. */
export const kReceivedMs = Date.UTC(2024, 4, 14, 12);

const kPeers = 20_000;
const kFirstPort = 40_000;

export interface Rows {
  rows: EventRow[];
  /**
   * Per row, the `messageTail` argument of `BlockBuilder.append`: bytes
   * of the frame's tail that MSG is, or -1. The worker stores an ASCII
   * MSG that way, as a reference into the frame.
   */
  tails: Int32Array;
}

/** One row per corpus line, each with its own parsed message. */
export function corpusRows(corpus: Corpus): Rows {
  const { buffer, lines, starts, ends } = corpus;
  const classifier = new Classifier(loadRules());
  const verdict: Classification = {
    category: '', eventType: '', riskScore: 0, ruleId: '',
  };
  const tails = new Int32Array(lines.length);

  const rows = lines.map((line, i): EventRow => {
    const parsed = createMessage();
    parseSyslog(line, kReceivedMs, parsed);
    classifier.classify(parsed, verdict);
    const original = buffer.subarray(starts[i], ends[i]);
    tails[i] = ascii(line, original.length) &&
      parsed.message.length === original.length - messageExtent.start
      ? parsed.message.length : -1;

    return {
      received: kReceivedMs + i,
      original,
      hash: createHash('sha256').update(original).digest(),
      parsed,
      // Decoded from bytes like the listeners do, so the string is flat.
      sourceAddress: Buffer.from(`10.1.${(i >> 8) & 255}.${i & 255}`)
        .toString('latin1'),
      sourcePort: kFirstPort + (i % kPeers),
      transport: Transport.tcp,
      listener: 'tcp-514',
      category: verdict.category,
      eventType: verdict.eventType,
      riskScore: verdict.riskScore,
      flags: 0,
    };
  });
  return { rows, tails };
}

/** One UTF-16 unit per byte and no U+FFFD: the frame was ASCII. */
function ascii(text: string, bytes: number): boolean {
  return text.length === bytes && text.indexOf('\ufffd') === -1;
}
