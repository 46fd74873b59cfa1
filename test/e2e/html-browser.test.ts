/**
 * The HTML reports in a real browser: Debian's Chromium, headless, driven by playwright-core (which downloads no
 * browser of its own). Each page is loaded from a file as a person would open an artifact: the summary and the rows
 * are visible, hostile strings show as text and run nothing, the screenshot is not blank, and it prints.
 * Chromium must be installed (`.ci/run` installs it): without it this test fails, saying so, rather than skip.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlDrift, renderHtmlStatus } from '../../src/render/html.js';
import { decodePng, inkedShare } from '../support/png.js';
import { attributedDrift, HOSTILE_AGENT, HOSTILE_SESSION, statusReport } from '../support/reports.js';

const CHROMIUM = process.env.IAMPASS_CHROMIUM ?? '/usr/bin/chromium';

/** The flags Chromium needs on these machines: no sandbox as root, and no network of its own. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The page's window, typed here: this project compiles without the DOM library. */
type PageWindow = { getComputedStyle(e: unknown): { color: string; display: string } };

describe('the HTML reports in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's package (apt-get install -y chromium; .ci/run does) or set IAMPASS_CHROMIUM`);
    }
    dir = await mkdtemp(join(tmpdir(), 'iampass-html-'));
    // Playwright gives every launch a new, empty profile directory of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  }, 60_000);
  afterAll(async () => browser?.close());

  async function open(name: string, html: string): Promise<{ page: Page; file: string; errors: string[] }> {
    const file = join(dir, name);
    await writeFile(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    return { page, file, errors };
  }

  async function looksDrawn(page: Page, file: string): Promise<void> {
    const png = await page.screenshot({ path: `${file}.png`, fullPage: true });
    const image = decodePng(png);
    expect(image.width).toBeGreaterThan(600);
    // Text and table rules on white: some ink, far from all of it.
    const share = inkedShare(image);
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.6);
  }

  it('drift: the summary first, one visible row per drifted item, who changed it, hostile strings as text', async () => {
    const { page, file, errors } = await open('drift.html', renderHtmlDrift(attributedDrift()));
    expect(await page.title()).toBe('iampass drift · account 123456789012');
    const summary = page.locator('#summary');
    expect(await summary.isVisible()).toBe(true);
    expect(await summary.innerText()).toContain('Drift: 3 items in live IAM differ from iampass.yaml.');
    expect(await summary.innerText()).toContain('Attributed 2 of 3 drifted items from CloudTrail');
    const rows = page.locator('#items tbody tr');
    expect(await rows.count()).toBe(3);
    for (let i = 0; i < 3; i++) expect(await rows.nth(i).isVisible()).toBe(true);
    const bob = await rows.nth(1).innerText();
    expect(bob).toContain('user:bob:console');
    expect(bob).toContain('arn:aws:iam::123456789012:user/mallory');
    expect(bob).toContain('203.0.113.7');
    expect(bob).toContain(HOSTILE_AGENT);
    expect(await rows.nth(0).innerText()).toContain(HOSTILE_SESSION);
    expect(await rows.nth(0).innerText()).toContain('iampass 0.1.0, as role arn:aws:iam::123456789012:role/Admin');
    // Nothing from the data became markup or ran.
    expect(await page.evaluate('({ scripts: document.scripts.length, images: document.images.length })')).toEqual({ scripts: 0, images: 0 });
    expect(errors).toEqual([]);
    await looksDrawn(page, file);
  });

  it('status: the summary first, one visible row per user, with the columns', async () => {
    const { page, file, errors } = await open('status.html', renderHtmlStatus(statusReport()));
    expect(await page.locator('#summary').innerText()).toContain('3 governed users: 2 with console access, 1 reset pending, 1 without MFA, 1 expired');
    expect(await page.locator('#users thead th').allInnerTexts()).toEqual(['USER', 'CONSOLE', 'CREATED', 'RESET', 'LAST SIGN-IN', 'PASSWORD AGE', 'EXPIRES', 'MFA', 'KEYS', 'ROTATION']);
    const rows = page.locator('#users tbody tr');
    expect(await rows.count()).toBe(3);
    expect((await rows.nth(1).innerText()).split('\t')).toEqual(['bob', 'yes', '2026-01-01', 'yes', 'never', '334 d', '2026-04-01 (expired)', 'no', '1', '-']);
    // The expired date and the missing MFA stand out.
    const expired = rows.nth(1).locator('td.bad').first();
    expect(await expired.evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).color)).toBe('rgb(180, 35, 24)');
    expect(errors).toEqual([]);
    await looksDrawn(page, file);
  });

  it('prints: table headers repeat on every page, and a PDF comes out', async () => {
    const { page, file } = await open('status-print.html', renderHtmlStatus(statusReport()));
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#users thead').evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).display)).toBe('table-header-group');
    const pdf = await page.pdf({ path: `${file}.pdf`, landscape: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5_000);
  });
});
