/**
 * Every error sluice raises on purpose carries a permanent code. Codes
 * never change meaning once released, so scripts and alerts can match on
 * them. Per-message problems are never errors: they are counters and
 * flags on the stored event.
 */
export const codes = {
  configInvalid: 'SLUICE_ERR_CONFIG_INVALID',
  configRead: 'SLUICE_ERR_CONFIG_READ',
  tlsMaterial: 'SLUICE_ERR_TLS_MATERIAL',
  listen: 'SLUICE_ERR_LISTEN',
  httpNative: 'SLUICE_ERR_HTTP_NOT_NATIVE',
  storageCorrupt: 'SLUICE_ERR_STORAGE_CORRUPT',
  storageVersion: 'SLUICE_ERR_STORAGE_VERSION',
  queryInvalid: 'SLUICE_ERR_QUERY_INVALID',
  queryBusy: 'SLUICE_ERR_QUERY_BUSY',
  rulesInvalid: 'SLUICE_ERR_RULES_INVALID',
  worker: 'SLUICE_ERR_WORKER',
} as const;

export type ErrorCode = (typeof codes)[keyof typeof codes];

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SluiceError';
    this.code = code;
    this.details = details;
  }

  /** Plain data for crossing a worker boundary, which drops custom errors. */
  toData(): ErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export interface ErrorData {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** Turns anything thrown into plain data, keeping a sluice code if any. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof SluiceError) return err.toData();
  const message = err instanceof Error ? err.message : String(err);
  return { code: codes.worker, message, details: {} };
}
