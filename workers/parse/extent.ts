/**
 * Where the last parse took MSG from: after `parseSyslog(text, ...)`,
 * `out.message === text.slice(messageExtent.start)`. Every parser path
 * that sets `message` sets this too, so the encoder can store an ASCII
 * MSG as a reference to the tail of the original frame without encoding
 * or comparing its bytes. A module-level object, like the scan results
 * in time.ts, so that nothing is allocated per message.
 */
export const messageExtent = { start: 0 };
