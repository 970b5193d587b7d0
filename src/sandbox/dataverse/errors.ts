/**
 * Dataverse Web API errors: `{"error":{"code","message"}}` with the status and hex codes the
 * service uses (protocols.md §1.9). Handlers throw DataverseError; the HTTP layer formats it.
 */
export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DataverseError';
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Codes seen in Microsoft docs and real traffic. */
export const DV_CODES = {
  /** ObjectDoesNotExist: a row addressed by id or key is missing. */
  notFound: '0x80040217',
  /** Resource not found for the segment. */
  segmentNotFound: '0x80060888',
  /** Validation error (lengths, types). */
  validation: '0x80044331',
  /** Invalid argument. */
  invalidArgument: '0x80040203',
  /** DuplicateRecord (alternate key already used). */
  duplicate: '0x80040237',
  /** ConcurrencyVersionMismatch. */
  concurrency: '0x80060882',
  /** A plug-in or sync webhook failed the operation. */
  pluginFailed: '0x80040265',
  /** Service protection: number of requests. */
  throttledRequests: '0x80072322',
  /** Generic server error. */
  serverError: '0x80040216',
  /** Authentication failures. */
  unauthorized: '0x80072560',
} as const;

export const notFound = (entityType: string, id: string) => new DataverseError(404, DV_CODES.notFound, `${entityType} With Id = ${id} Does Not Exist`);

export const badRequest = (message: string, code: string = DV_CODES.invalidArgument) => new DataverseError(400, code, message);
