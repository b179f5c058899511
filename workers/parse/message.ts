/**
 * The fields a parser fills for one syslog message. Parsers write into a
 * reused object instead of allocating one per message; `resetMessage`
 * clears it between messages. A field the message does not carry stays
 * `undefined` (strings) or -1 (numbers) and is absent from the output.
 */
export interface ParsedMessage {
  /** Which grammar matched: see `Format`. */
  format: Format;
  /** `ParseStatus.ok`, or `error` when the frame was kept raw. */
  status: ParseStatus;
  /** Event time in ms since the epoch (UTC); NaN when the frame has none. */
  timestamp: number;
  /** PRI value 0..191, -1 when absent. */
  priority: number;
  /** RFC 5424 VERSION, -1 for RFC 3164 and raw frames. */
  version: number;
  hostname: string | undefined;
  appname: string | undefined;
  procid: string | undefined;
  msgid: string | undefined;
  /** RFC 5424 STRUCTURED-DATA exactly as received, without NILVALUE. */
  structuredData: string | undefined;
  /** The free-form MSG part (BOM removed); the whole frame when raw. */
  message: string;
}

export const enum Format {
  unknown = 0,
  rfc3164 = 1,
  rfc5424 = 2,
}

export const enum ParseStatus {
  ok = 0,
  /** Nothing matched a grammar: kept raw, message = whole frame. */
  error = 1,
  /**
   * The grammar matched but a field was malformed (an impossible
   * timestamp): what parsed is kept, the bad field is absent.
   */
  partial = 2,
}

/** Names of `Format` and `ParseStatus` values, as stored events show them. */
export const formatNames = ['unknown', 'rfc3164', 'rfc5424'] as const;
export const statusNames = ['ok', 'error', 'partial'] as const;

export function createMessage(): ParsedMessage {
  return {
    format: Format.unknown,
    status: ParseStatus.ok,
    timestamp: NaN,
    priority: -1,
    version: -1,
    hostname: undefined,
    appname: undefined,
    procid: undefined,
    msgid: undefined,
    structuredData: undefined,
    message: '',
  };
}

export function resetMessage(m: ParsedMessage): void {
  m.format = Format.unknown;
  m.status = ParseStatus.ok;
  m.timestamp = NaN;
  m.priority = -1;
  m.version = -1;
  m.hostname = undefined;
  m.appname = undefined;
  m.procid = undefined;
  m.msgid = undefined;
  m.structuredData = undefined;
  m.message = '';
}
