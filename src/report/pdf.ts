// The PDF of a report: the same HTML document printed to A4 by Debian's headless Chromium, driven
// by playwright-core. Every request the page would make is refused (the document is
// self-contained; fonts come from the machine), and counted so tests can prove none was tried.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { EXIT_INPUT, UserError } from '../core/errors.ts';
import { escapeHtml } from '../sinks/email.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface PdfResult {
  pdf: Buffer;
  /** URLs the page tried to load (refused); always empty for our own documents. */
  refusedRequests: string[];
}

export async function renderPdf(html: string, footerLabel = ''): Promise<PdfResult> {
  const executablePath = process.env.SAKURA_GUARD_CHROMIUM ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new UserError(`Chromium is not installed at ${executablePath}`, {
      hint: "install Debian's chromium package (apt-get install chromium), set SAKURA_GUARD_CHROMIUM, or use --format html",
      exitCode: EXIT_INPUT,
    });
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    const context = await browser.newContext({ offline: true });
    const page = await context.newPage();
    const refusedRequests: string[] = [];
    await page.route('**/*', async (route) => {
      refusedRequests.push(route.request().url());
      await route.abort();
    });
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="width:100%;font-size:7pt;color:#9ca3af;padding:0 13mm;display:flex;justify-content:space-between;font-family:'Noto Sans','Noto Sans CJK JP',sans-serif"><span>${escapeHtml(footerLabel)}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
    });
    return { pdf, refusedRequests };
  } finally {
    await browser.close();
  }
}
