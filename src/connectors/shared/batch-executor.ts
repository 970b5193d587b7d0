import { ConnectorError } from '../errors';
import { buildBatch, parseBatchResponse, type BatchOperation, type BatchPartResponse } from '../http/batch';
import { classifyHttp } from '../http/classify';
import type { HttpClient } from '../http/http-client';

/**
 * Sends operations as one multipart $batch, each in its own change set (Content-ID = position),
 * and returns the answer of every operation. A service that stops at the first failure answers
 * only a prefix; the unanswered operations are sent again in a further round, so a single bad
 * record never costs the others their write.
 */
export async function executeBatch(http: HttpClient, operations: BatchOperation[], headers: Record<string, string>): Promise<BatchPartResponse[]> {
  const answers = new Array<BatchPartResponse | undefined>(operations.length);
  let pending = operations.map((_, i) => i);
  while (pending.length > 0) {
    const round = pending;
    const { contentType, body } = buildBatch(
      round.map((i) => operations[i] as BatchOperation),
      { wrapInChangeSets: true },
    );
    const res = await http.request({ method: 'POST', url: '$batch', headers: { ...headers, 'Content-Type': contentType }, body, operation: 'other', acceptStatuses: [400] });
    const responseType = res.headers['content-type'] ?? '';
    if (!/multipart\/mixed/i.test(responseType)) {
      // Not a per-operation answer: the batch itself was rejected (malformed, too large).
      throw new ConnectorError(classifyHttp({ status: res.status, body: res.body, operation: 'other' }));
    }
    const parts = parseBatchResponse(responseType, res.text);
    const answeredInRound = new Set<number>();
    parts.forEach((part, order) => {
      const position = part.contentId !== undefined && /^\d+$/.test(part.contentId) ? Number(part.contentId) - 1 : order;
      const index = round[position];
      if (index === undefined || answeredInRound.has(position)) return;
      answeredInRound.add(position);
      answers[index] = part;
    });
    if (answeredInRound.size === 0) {
      throw new ConnectorError({ class: 'unavailable', status: res.status, message: `$batch answered none of its ${round.length} operations` });
    }
    pending = round.filter((_, position) => !answeredInRound.has(position));
  }
  return answers as BatchPartResponse[];
}
