import nodemailer, { type Transporter } from 'nodemailer';
import type { Database } from '../../db/database.js';
import { newId } from '../ids.js';

export interface OutgoingMail {
  orgId: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string;
  cc?: string[];
  /** Where replies go (the user who wrote from a record); the From stays MAIL_FROM so the mail is not taken for spoofing. */
  replyTo?: string;
  /** Shown as the sender's name beside MAIL_FROM. */
  fromName?: string;
  /** A stable Message-ID (`<…@…>`), so that a mail sent again after a crash is recognizable as the same one. */
  messageId?: string;
  /** Files sent with the mail (a scheduled report's CSV or XLSX); the outbox keeps their names only. */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/**
 * One-time links (invitations, verification, password reset) carry their secret
 * as `token=`. A copy kept after the mail was delivered must not let whoever
 * reads the outbox use the link meant for someone else.
 */
export function hideLinkTokens(text: string): string {
  return text.replace(/([?&#]token=)[^\s&"'<>]+/g, '$1[hidden]');
}

export interface Mailer {
  /** Sends (or, with no SMTP server configured, stores) one mail. Never call inside a transaction. */
  send(mail: OutgoingMail): Promise<{ id: string; status: 'sent' | 'stored' | 'failed' }>;
  close(): void;
}

/**
 * Mail goes to SMTP_URL through nodemailer. Every message is also written to
 * the mail outbox: with no SMTP server it is the only copy, and administrators
 * read it in Settings → Mail outbox.
 */
export function createMailer(options: { database: Database; smtpUrl?: string; from: string; log?: (msg: string) => void }): Mailer {
  const transport: Transporter | null = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  return {
    async send(mail) {
      const id = newId();
      let status: 'sent' | 'stored' | 'failed' = 'stored';
      let error: string | null = null;
      if (transport) {
        try {
          await transport.sendMail({
            from: mail.fromName ? { name: mail.fromName, address: options.from.replace(/^.*<([^>]+)>\s*$/, '$1') } : options.from,
            to: mail.to,
            cc: mail.cc,
            replyTo: mail.replyTo,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId: mail.messageId,
            attachments: mail.attachments?.map(({ filename, content, contentType }) => ({ filename, content, contentType })),
          });
          status = 'sent';
        } catch (err) {
          status = 'failed';
          error = (err as Error).message;
        }
      } else {
        options.log?.(`Mail to ${mail.to} stored in the outbox (no SMTP_URL): ${mail.subject}`);
      }
      await options.database.db
        .insertInto('platform.mail_outbox')
        .values({
          id,
          org_id: mail.orgId,
          to_address: mail.to,
          subject: mail.subject,
          // Without SMTP the outbox is how mail reaches people, so it keeps the links; otherwise it keeps a safe copy.
          text_body: status === 'stored' ? mail.text : hideLinkTokens(mail.text),
          html_body: mail.html === undefined ? null : status === 'stored' ? mail.html : hideLinkTokens(mail.html),
          status,
          error,
          sent_at: status === 'sent' ? new Date() : null,
        })
        .execute();
      return { id, status };
    },
    close() {
      transport?.close();
    },
  };
}
