import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSmtpCapture } from '../../server/src/test/smtp-capture';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM_PATH);
const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

if (!hasChromium) {
  const message = `Browser journeys skipped: no Chromium at ${CHROMIUM_PATH}. Install it with "apt-get install chromium" (Debian/Ubuntu) or set CHROMIUM_PATH.`;
  if (process.env.CLAVE_REQUIRE_CHROMIUM) throw new Error(message);
  console.warn(message);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A real Clave server (the built one) on a fresh embedded database, a real SMTP catcher and headless Chromium.
 * `demo`: first fill the database with `npm run demo` (server/dist/kam/demo/demo-cli.js), its users' password given.
 */
export async function startJourney(options: { demo?: { password: string } } = {}) {
  const serverEntry = path.join(ROOT, 'server/dist/main.js');
  if (!fs.existsSync(serverEntry) || !fs.existsSync(path.join(ROOT, 'web/dist/index.html'))) {
    throw new Error('Build first: npm run build (npm install does it).');
  }
  const smtp = await startSmtpCapture();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  let demoOutput = '';
  if (options.demo) {
    const demo = spawnSync(process.execPath, [path.join(ROOT, 'server/dist/kam/demo/demo-cli.js')], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', DEMO_PASSWORD: options.demo.password },
      encoding: 'utf8',
      timeout: 90_000,
    });
    if (demo.status !== 0) throw new Error(`npm run demo failed (${demo.status}): ${demo.stderr}${demo.stdout}`);
    demoOutput = demo.stdout;
  }
  const server: ChildProcess = spawn(process.execPath, [serverEntry], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SMTP_URL: smtp.url,
      PUBLIC_URL: baseUrl,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`The server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('The server did not become ready in 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const screenshot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  };

  return {
    baseUrl,
    smtp,
    /** What `npm run demo` printed (empty without the demo option). */
    demoOutput,
    browser,
    /** A new browser context (a separate person) with its own page. */
    async newPage(locale = 'es-ES'): Promise<Page> {
      const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
      return context.newPage();
    },
    /**
     * Sets up a new organization through the API and signs its administrator in
     * on a new page; answers the page and the API session (cookie, CSRF token)
     * for data made through the API.
     */
    async setUpAndSignIn(person: { organization: string; name: string; email: string; password: string }) {
      const setup = await fetch(`${baseUrl}/api/v1/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(person),
      });
      if (setup.status !== 201) throw new Error(`POST /api/v1/setup answered ${setup.status}: ${await setup.text()}`);
      const { csrfToken } = (await setup.json()) as { csrfToken: string };
      const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0]!;
      const page = await this.newPage();
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel('Correo electrónico').fill(person.email);
      await page.getByLabel(/^Contraseña\s*\*?$/).fill(person.password);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.waitForURL(`${baseUrl}/`);
      return { page, api: { cookie, 'x-csrf-token': csrfToken } };
    },
    /** Signs a person in on a new page (Spanish screens). */
    async signIn(email: string, password: string): Promise<Page> {
      const page = await this.newPage();
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel('Correo electrónico').fill(email);
      await page.getByLabel(/^Contraseña\s*\*?$/).fill(password);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.waitForURL(`${baseUrl}/`);
      return page;
    },
    screenshot,
    /** Runs one step of a journey and screenshots the page after it (`FAILED-<name>` when it throws). */
    async step(page: Page, name: string, fn: () => Promise<void>) {
      try {
        await fn();
        await screenshot(page, name);
      } catch (error) {
        await screenshot(page, `FAILED-${name}`).catch(() => undefined);
        throw error;
      }
    },
    /** The first link to PUBLIC_URL in the newest mail to `to` whose link contains `pathPart`. */
    async linkFromMail(to: string, pathPart: string): Promise<string> {
      const mail = await smtp.waitFor((m) => m.to.includes(to) && m.text.includes(pathPart), 10_000);
      const match = new RegExp(`${baseUrl.replace(/[.:/]/g, '\\$&')}${pathPart}[^\\s"<>]*`).exec(mail.text);
      if (!match) throw new Error(`No ${pathPart} link in the mail to ${to}`);
      return match[0].replace(/&amp;/g, '&');
    },
    async close() {
      await browser.close().catch(() => undefined);
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      await smtp.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Journey = Awaited<ReturnType<typeof startJourney>>;
