import type { CapturedMail } from './smtp-capture.js';
import type { TestContext } from './test-app.js';

/** The token of the `${publicUrl}/<page>?token=…` link in a captured mail. */
export function linkToken(mail: CapturedMail, page: string): string {
  const match = new RegExp(`http://clave\\.test/${page}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`No ${page} link in mail "${mail.subject}"`);
  return match[1]!;
}

/** Waits for the next mail to `to` with a `<page>` link that is not among `seen`, and returns its token. */
export async function waitForLink(t: TestContext, to: string, page: string, seen: string[] = []): Promise<string> {
  const mail = await t.mail.waitFor((m) => m.to.includes(to) && m.text.includes(`/${page}?token=`) && !seen.includes(linkToken(m, page)));
  return linkToken(mail, page);
}
