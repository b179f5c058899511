import {
  createMessage,
  Format,
  type ParsedMessage,
  resetMessage,
} from '../../../workers/parse/message.js';

/**
 * Fills a ParsedMessage from one line by a rough header split, enough to
 * feed the classifier in tests and benchmarks without depending on the
 * real parser. It does not check grammar and does not read timestamps.
 */
export function fillMessage(line: string,
  out: ParsedMessage = createMessage()): ParsedMessage {
  resetMessage(out);

  const close = line.indexOf('>');
  if (line[0] !== '<' || close < 2) {
    out.message = line;
    return out;
  }
  out.priority = Number(line.slice(1, close));

  let rest = line.slice(close + 1);
  if (rest.startsWith('1 ')) return fill5424(rest.slice(2), out);
  return fill3164(rest, out);
}

function fill5424(rest: string, out: ParsedMessage): ParsedMessage {
  out.format = Format.rfc5424;
  out.version = 1;

  const fields: string[] = [];
  let at = 0;
  for (let i = 0; i < 5; i++) {
    const space = rest.indexOf(' ', at);
    fields.push(rest.slice(at, space));
    at = space + 1;
  }
  const nil = (s: string) => (s === '-' ? undefined : s);
  out.hostname = nil(fields[1]);
  out.appname = nil(fields[2]);
  out.procid = nil(fields[3]);
  out.msgid = nil(fields[4]);

  let end = at;
  if (rest[at] === '-') {
    end = at + 1;
  } else {
    // Walk SD-ELEMENTs, skipping quoted values that may hold ']'.
    let quoted = false;
    for (end = at; end < rest.length; end++) {
      const c = rest[end];
      if (c === '\\') end++;
      else if (c === '"') quoted = !quoted;
      else if (c === ']' && !quoted && rest[end + 1] !== '[') {
        end++;
        break;
      }
    }
    out.structuredData = rest.slice(at, end);
  }
  out.message = rest.slice(end + 1);
  return out;
}

/** Lengths of "May 14 00:00:00" and "May 14 2024 00:00:00". */
const kShortStamp = 15;
const kLongStamp = 20;

function fill3164(rest: string, out: ParsedMessage): ParsedMessage {
  out.format = Format.rfc3164;

  // "Mmm dd hh:mm:ss " or the Cisco "Mmm dd yyyy hh:mm:ss ".
  const at = rest[kShortStamp - 6] === ':' ? kShortStamp + 1 : kLongStamp + 1;
  return fillTag(rest, at, out);
}

function fillTag(rest: string, from: number,
  out: ParsedMessage): ParsedMessage {
  let at = from;
  const hostEnd = rest.indexOf(' ', at);
  out.hostname = rest.slice(at, hostEnd);
  at = hostEnd + 1;

  const colon = rest.indexOf(': ', at);
  const tag = colon === -1 ? '' : rest.slice(at, colon);
  if (tag === '' || tag.includes(' ')) {
    out.message = rest.slice(colon === at ? at + 2 : at);
    return out;
  }

  const bracket = tag.indexOf('[');
  out.appname = bracket === -1 ? tag : tag.slice(0, bracket);
  if (bracket !== -1) out.procid = tag.slice(bracket + 1, -1);
  out.message = rest.slice(colon + 2);
  return out;
}
