/**
 * Time bounds as people type them: an ISO 8601 timestamp (`2026-11-26T10:00:00Z`, `2026-11-26`)
 * or a duration back from now (`90s`, `15m`, `2h`, `7d`). Used by the error and log filters of
 * the CLI and the API so both accept the same forms.
 */
const DURATION = /^(\d+)\s*(s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseTimeArg(value: string, field: string, now: Date = new Date()): string {
  const text = value.trim();
  const duration = DURATION.exec(text);
  if (duration) {
    const amount = Number(duration[1]);
    const unit = UNIT_MS[duration[2]!.toLowerCase()]!;
    return new Date(now.getTime() - amount * unit).toISOString();
  }
  // Only strings that look like dates: Date.parse would otherwise accept "1" or "May".
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw new Error(`${field}: "${value}" is not a time: expected an ISO 8601 timestamp such as 2026-11-26T10:00:00Z or a duration back from now such as 90s, 15m, 2h, 7d`);
}

/** `days` days before `now`, as an ISO timestamp (retention cut-offs). */
export function daysBefore(now: Date, days: number, field: string): string {
  if (!Number.isFinite(days) || days < 0) throw new Error(`${field}: ${days} is not a number of days: expected 0 or more`);
  return new Date(now.getTime() - days * UNIT_MS.d!).toISOString();
}
