import {
  Format,
  ParseStatus,
  createMessage,
  type ParsedMessage,
} from '../../../workers/parse/message.js';
import { parseSyslog } from '../../../workers/parse/syslog.js';

/** The receive time the tests parse against: 2024-05-14 12:00:00 UTC. */
export const kReceived = Date.UTC(2024, 11, 4, 12);

const reused = createMessage();

/** Parses `text` into the reused message and returns a plain copy. */
export function parse(text: string, received = kReceived): ParsedMessage {
  parseSyslog(text, received, reused);
  return { ...reused };
}

/** A full expected message: every field not given is at its reset value. */
export function expected(fields: Partial<ParsedMessage>): ParsedMessage {
  return { ...createMessage(), status: ParseStatus.ok, ...fields };
}

export { Format, ParseStatus };
