/**
 * The one error type that crosses from core code to HTTP. Core code throws it (or a StorageError,
 * which the HTTP edge maps too); a single wrapper turns it into a JSON response.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra fields for the JSON body (`field`, `expectedOffset`, …). */
    readonly extra: Record<string, unknown> = {},
    /** Extra response headers (`Next-Offset`, `Retry-After`, …). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A name or parameter that breaks its rule: `400 invalid_parameter` naming the field. */
export function invalidParameter(field: string, message: string): HttpError {
  return new HttpError(400, 'invalid_parameter', message, { field });
}
