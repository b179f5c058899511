import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Uws from '@trufflesuite/uws-js-unofficial/docs/index.js';
import { codes, SluiceError } from '../errors.js';

export type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket }
  from '@trufflesuite/uws-js-unofficial/docs/index.js';

/**
 * Loads the native uWebSockets.js binary for this Node ABI directly. The
 * package's own entry silently falls back to a slow pure-JS server when
 * the binary does not load; sluice refuses to start instead.
 */
export function loadUws(): typeof Uws {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@trufflesuite/uws-js-unofficial');
  const binary = join(dirname(main), '..', 'binaries',
    `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
  try {
    return require(binary) as typeof Uws;
  } catch (err) {
    throw new SluiceError(codes.httpNative,
      `the native uWebSockets.js binary did not load (${binary}): ` +
      `${(err as Error).message}; sluice needs Node 16, 18 or 20 on ` +
      'linux/darwin x64 or arm64');
  }
}
