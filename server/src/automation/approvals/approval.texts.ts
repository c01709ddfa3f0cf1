import type { MailLanguage } from '../../platform/mail/link-mail.js';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type Vars = { record: string; process: string; step: string };

const NOTIFICATIONS = {
  es: {
    requested: (v: Vars) => ({ title: `Aprobación pendiente: ${v.record}`, body: `${v.process} · ${v.step}` }),
    approved: (v: Vars) => ({ title: `Aprobado: ${v.record}`, body: v.process }),
    rejected: (v: Vars) => ({ title: `Rechazado: ${v.record}`, body: v.process }),
  },
  en: {
    requested: (v: Vars) => ({ title: `Approval needed: ${v.record}`, body: `${v.process} · ${v.step}` }),
    approved: (v: Vars) => ({ title: `Approved: ${v.record}`, body: v.process }),
    rejected: (v: Vars) => ({ title: `Rejected: ${v.record}`, body: v.process }),
  },
};

/** The in-app notification of an approval request, or of the submitter's final answer. */
export function notificationText(language: MailLanguage, kind: 'requested' | 'approved' | 'rejected', vars: Vars) {
  return NOTIFICATIONS[language][kind](vars);
}

const MAIL = {
  es: {
    subject: (v: MailVars) => `Aprobación pendiente: ${v.record} (${v.process})`,
    greeting: (v: MailVars) => `Hola, ${v.name}:`,
    lead: (v: MailVars) => `${v.submitter} ha enviado «${v.record}» a aprobación (${v.process}, paso ${v.stepNumber}: ${v.step}).`,
    approve: 'Aprobar',
    reject: 'Rechazar',
    open: 'Ver el registro',
    footer: 'Cada enlace abre una página donde puedes añadir un comentario antes de confirmar. Deja de funcionar cuando se decide el paso.',
  },
  en: {
    subject: (v: MailVars) => `Approval needed: ${v.record} (${v.process})`,
    greeting: (v: MailVars) => `Hello ${v.name},`,
    lead: (v: MailVars) => `${v.submitter} submitted “${v.record}” for approval (${v.process}, step ${v.stepNumber}: ${v.step}).`,
    approve: 'Approve',
    reject: 'Reject',
    open: 'Open the record',
    footer: 'Each link opens a page where you can add a comment before you confirm. It stops working once the step is decided.',
  },
};

interface MailVars extends Vars {
  name: string;
  submitter: string;
  stepNumber: number;
  /** The app's public address, without a trailing slash. */
  base: string;
  token: string;
  recordPath: string;
}

/** The e-mail asking an approver to decide: one-click approve and reject links (`/approval?token=…&decision=…`). */
export function approvalMail(language: MailLanguage, vars: MailVars): { subject: string; text: string; html: string } {
  const words = MAIL[language];
  const links = [
    { label: words.approve, url: `${vars.base}/approval?token=${vars.token}&decision=approve` },
    { label: words.reject, url: `${vars.base}/approval?token=${vars.token}&decision=reject` },
    { label: words.open, url: `${vars.base}${vars.recordPath}` },
  ];
  const text = [
    words.greeting(vars),
    '',
    words.lead(vars),
    '',
    ...links.map((link) => `${link.label}: ${link.url}`),
    '',
    words.footer,
    '',
  ].join('\n');
  const html = [
    `<p>${escapeHtml(words.greeting(vars))}</p>`,
    `<p>${escapeHtml(words.lead(vars))}</p>`,
    `<p>${links.map((link) => `<a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a>`).join(' · ')}</p>`,
    `<p style="color:#666">${escapeHtml(words.footer)}</p>`,
  ].join('\n');
  return { subject: words.subject(vars).replace(/[\r\n]+/g, ' '), text, html };
}
