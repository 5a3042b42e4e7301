/** An error answered as JSON: `{ "error": { "status", "parameter"?, "message" } }`. */
export class HttpError extends Error {
  readonly status: number;
  readonly parameter: string | undefined;
  constructor(status: number, message: string, parameter?: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.parameter = parameter;
  }
}

export function badParameter(parameter: string, message: string): HttpError {
  return new HttpError(400, `parameter "${parameter}": ${message}`, parameter);
}
