import nodemailer from 'nodemailer';
import { type AlertNotice, noticeText, noticeTitle } from './notice';

export interface EmailSender {
  send(notice: AlertNotice, recipients: readonly string[]): Promise<void>;
  close(): void;
}

/** The SMTP URL with its password masked: the only form that may appear in logs and errors. */
export function describeSmtpUrl(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(an SMTP URL that cannot be parsed)';
  }
}

function parseSmtpUrl(smtpUrl: string): URL {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error(`SMTP URL ${describeSmtpUrl(smtpUrl)} is not valid: expected smtp://user:password@host:port or smtps://... (password URL-encoded)`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP URL ${describeSmtpUrl(smtpUrl)} is not valid: expected the scheme smtp:// (STARTTLS when offered) or smtps:// (TLS from the start)`);
  }
  return url;
}

/**
 * Alert e-mails over SMTP (nodemailer), configured by one URL such as
 * `smtp://alerts:secret@mail.example.com:587`; nodemailer also reads options from its query
 * (`?requireTLS=true`). Errors never carry the password.
 */
export function createEmailSender(smtpUrl: string, from: string): EmailSender {
  const url = parseSmtpUrl(smtpUrl);
  const password = decodeURIComponent(url.password);
  const transport = nodemailer.createTransport(smtpUrl);
  const scrub = (text: string): string => (password ? text.split(password).join('***').split(url.password).join('***') : text);
  return {
    async send(notice, recipients) {
      if (recipients.length === 0) return;
      try {
        await transport.sendMail({ from, to: [...recipients], subject: noticeTitle(notice), text: noticeText(notice) });
      } catch (err) {
        throw new Error(`e-mail to ${recipients.join(', ')} via ${describeSmtpUrl(smtpUrl)} failed: ${scrub(err instanceof Error ? err.message : String(err))}`);
      }
    },
    close() {
      transport.close();
    },
  };
}
