import type { AlertAction } from '../store';
import type { AlertCondition } from './rule-spec';

/** What a notification says, the same for every channel. */
export interface AlertNotice {
  event: 'fired' | 'cleared';
  rule: { id: string; name: string; map?: string; condition: AlertCondition; action: AlertAction };
  /** The map the rule fired for. */
  subject: string;
  /** e.g. "customers: 12 error(s) in the last 15s (10 or more validation errors within 15s)". */
  message: string;
  value?: number | string;
  at: string;
  /** What dualwrite did about it, e.g. "paused map customers". */
  actionTaken?: string;
}

export function noticeTitle(notice: AlertNotice): string {
  return `[dualwrite] ${notice.event === 'fired' ? 'FIRING' : 'CLEARED'}: ${notice.rule.name} (${notice.subject})`;
}

export function noticeText(notice: AlertNotice): string {
  const lines = [
    noticeTitle(notice),
    '',
    notice.event === 'fired' ? `The condition holds: ${notice.message}` : `The condition no longer holds: ${notice.message}`,
    `Rule: ${notice.rule.name} (${notice.rule.id}), action ${notice.rule.action}`,
    `At: ${notice.at}`,
  ];
  if (notice.actionTaken) lines.push(`Action taken: ${notice.actionTaken}`);
  return `${lines.join('\n')}\n`;
}
