import type { Logger } from 'pino';
import { codes, SluiceError } from '../errors.js';
import {
  loadUws, type HttpRequest, type HttpResponse, type us_listen_socket,
} from './uws.js';

const kStatusLines: Record<number, string> = {
  200: '200 OK',
  400: '400 Bad Request',
  429: '429 Too Many Requests',
};

/** A probe older than this makes /health answer 503. */
export const kHealthWindowMs = 5000;

export interface HttpHandlers {
  /** Unix ms of the last probe seen by a worker, 0 when none yet. */
  probeSeenMs(): number;
  metrics(): string;
  /** Runs an event search; resolves to a JSON body and a status. */
  events(params: URLSearchParams): Promise<{ status: number; body: string }>;
}

export interface HttpServer {
  port: number;
  close(): void;
}

/**
 * The ops and read endpoint on uWebSockets.js: /health, /metrics and
 * /api/v1/events. Handlers answer from shared-memory counters; searches
 * run in the worker pool so this thread keeps reading sockets.
 */
export async function startHttp(
  host: string, port: number, handlers: HttpHandlers, log: Logger,
): Promise<HttpServer> {
  const uws = loadUws();
  const app = uws.App();

  app.get('/health', (res) => {
    const seen = handlers.probeSeenMs();
    const age = seen === 0 ? -1 : Date.now() - seen;
    const ok = seen !== 0 && age <= kHealthWindowMs;
    const body = JSON.stringify({
      status: ok ? 'ok' : 'unavailable',
      probe_age_ms: age,
    });
    res.writeStatus(ok ? '200 OK' : '503 Service Unavailable')
      .writeHeader('content-type', 'application/json')
      .end(body);
  });

  app.get('/metrics', (res) => {
    res.writeHeader('content-type', 'text/plain; version=0.0.4')
      .end(handlers.metrics());
  });

  app.get('/api/v1/events', (res, req) => serveEvents(res, req, handlers));

  app.any('/*', (res) => {
    res.writeStatus('404 Not Found')
      .writeHeader('content-type', 'application/json')
      .end('{"error":{"code":"not_found","message":"no such endpoint"}}');
  });

  const socket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(host, port, (s) => s ? resolve(s) :
      reject(new SluiceError(codes.listen,
        `http: cannot listen on ${host}:${port}`)));
  });
  const bound = uws.us_socket_local_port(socket);
  log.info({ host, port: bound }, 'http listening');

  return {
    port: bound,
    close: () => uws.us_listen_socket_close(socket),
  };
}

function serveEvents(
  res: HttpResponse, req: HttpRequest, handlers: HttpHandlers,
): void {
  // uWS requests are valid only until the handler returns: copy first.
  const params = new URLSearchParams(req.getQuery() ?? '');
  let aborted = false;
  res.onAborted(() => { aborted = true; });

  handlers.events(params).then(({ status, body }) => {
    if (aborted) return;
    res.cork(() => {
      res.writeStatus(kStatusLines[status] ?? '500 Internal Server Error')
        .writeHeader('content-type', 'application/json')
        .end(body);
    });
  }, (err: unknown) => {
    if (aborted) return;
    res.cork(() => {
      res.writeStatus('500 Internal Server Error')
        .writeHeader('content-type', 'application/json')
        .end(JSON.stringify({ error: {
          code: codes.worker, message: String((err as Error).message),
        } }));
    });
  });
}
