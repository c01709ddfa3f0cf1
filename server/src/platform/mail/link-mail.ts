/** The languages mail is written in; anything else falls back to Spanish, the default language. */
export type MailLanguage = 'es' | 'en';
export const mailLanguage = (value: string | null | undefined): MailLanguage => (value === 'en' ? 'en' : 'es');

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A short account mail built around one link (invitation, verification,
 * password reset), as plain text and the same content in HTML.
 */
export function linkMail(input: { greeting: string; paragraphs: string[]; link: string; action: string; footer: string }): {
  text: string;
  html: string;
} {
  const text = [input.greeting, '', ...input.paragraphs, '', `${input.action}: ${input.link}`, '', input.footer, ''].join('\n');
  const html = [
    `<p>${escapeHtml(input.greeting)}</p>`,
    ...input.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(input.link)}">${escapeHtml(input.action)}</a></p>`,
    `<p style="color:#666">${escapeHtml(input.footer)}</p>`,
  ].join('\n');
  return { text, html };
}

/** A notice without a link (e.g. "your sign-in address changed"). */
export function noticeMail(input: { greeting: string; paragraphs: string[] }): { text: string; html: string } {
  return {
    text: [input.greeting, '', ...input.paragraphs, ''].join('\n'),
    html: [`<p>${escapeHtml(input.greeting)}</p>`, ...input.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)].join('\n'),
  };
}
