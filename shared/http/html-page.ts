import { createHash } from 'node:crypto';
import { escapeHtml } from '../domain/html.js';
import type { HttpResult } from './types.js';

/** The one stylesheet of every page; the CSP allows exactly this by its hash, and no script at all. */
export const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}' +
  'fieldset{border:1px solid #bbb;border-radius:.4rem;margin:1rem 0;padding:.5rem 1rem}' +
  'label{display:block;padding:.35rem 0}input[type=checkbox]{width:1.2rem;height:1.2rem;margin-right:.5rem;vertical-align:middle}' +
  'button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #1a4d8f;background:#1a4d8f;color:#fff;cursor:pointer}' +
  'button:focus,input:focus{outline:3px solid #f5a623;outline-offset:2px}.notice{background:#eef6ee;border-left:4px solid #2e7d32;padding:.5rem 1rem}' +
  'footer{margin-top:2rem;font-size:.85rem;color:#555}';

/** `'sha256-…'` of PAGE_STYLE, for the Content-Security-Policy. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

/** An accessible HTML page: language, title, one heading, the brand and postal address in the footer. */
export function htmlPage(
  status: number,
  page: { title: string; brandName: string; postalAddress?: string; body: string },
): HttpResult {
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)} - ${escapeHtml(page.brandName)}</title>`,
    `<style>${PAGE_STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(page.title)}</h1>`,
    page.body,
    `</main><footer><p>${escapeHtml(page.brandName)}${page.postalAddress ? `<br>${escapeHtml(page.postalAddress)}` : ''}</p></footer>`,
    '</body></html>',
  ].join('');
  return { statusCode: status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, body: html };
}

/** A 200 page of the brand (name and postal address in its footer), for the pages a link opens. */
export function brandedPage(brand: { BRAND_NAME: string; POSTAL_ADDRESS: string }) {
  return (title: string, body: string): HttpResult =>
    htmlPage(200, { title, brandName: brand.BRAND_NAME, postalAddress: brand.POSTAL_ADDRESS, body });
}
