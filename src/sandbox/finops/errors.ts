/**
 * F&O's OData error body. Real F&O answers failed writes with a generic top-level message and the
 * details in `innererror` (a community capture: "An error has occurred." with
 * innererror.message "Write failed for table row of type '...'. Infolog: ..."); the sandbox puts
 * the clear message at the top as well, so clients that read either place see what went wrong.
 */
export const ODATA_WRITE_EXCEPTION = 'Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException';

export interface FinopsErrorBody {
  error: { code: string; message: string; innererror?: { message: string; type: string; stacktrace: string } };
}

export function finopsErrorBody(message: string, inner?: { message: string; type?: string }): FinopsErrorBody {
  return {
    error: {
      code: '',
      message,
      ...(inner ? { innererror: { message: inner.message, type: inner.type ?? ODATA_WRITE_EXCEPTION, stacktrace: '' } } : {}),
    },
  };
}

export function finopsErrorResponse(status: number, message: string, inner?: { message: string; type?: string }, headers: Record<string, string> = {}): Response {
  return Response.json(finopsErrorBody(message, inner), {
    status,
    headers: { 'odata-version': '4.0', ...headers },
  });
}

/** A write failure in F&O's words: the table, then the infolog line. */
export function writeFailedBody(tableName: string, detail: string): FinopsErrorBody {
  return finopsErrorBody(detail, { message: `Write failed for table row of type '${tableName}'. Infolog: Error: ${detail}` });
}
