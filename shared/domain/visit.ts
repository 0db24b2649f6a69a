import Bowser from 'bowser';
import type { VisitMetadata } from './inquiries/inquiry.js';

/** The primary language tag of an Accept-Language header, by quality (`en-US,en;q=0.9` → `en-US`). */
export function primaryLanguage(acceptLanguage: string | undefined): string | undefined {
  if (!acceptLanguage) return undefined;
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter(({ tag, q }) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) && q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.tag;
}

/**
 * The visit metadata the privacy policy names: IP, browser type and version, operating system,
 * browser language. Values are cut to sane lengths because they come from request headers.
 */
export function visitMetadata(input: {
  ip: string | undefined;
  userAgent: string | undefined;
  acceptLanguage: string | undefined;
}): Omit<VisitMetadata, 'receivedAt'> {
  const userAgent = input.userAgent?.slice(0, 512);
  // Only the browser and the OS: the parser's platform and engine detection are skipped.
  const parser = userAgent ? Bowser.getParser(userAgent, true) : undefined;
  const parsed = parser ? { browser: parser.getBrowser(), os: parser.getOS() } : undefined;
  const os = [parsed?.os.name, parsed?.os.version].filter(Boolean).join(' ');
  const language = primaryLanguage(input.acceptLanguage);
  // Built by assignment: each conditional spread after the first is a runtime call in V8 (about a
  // microsecond each on a warm request).
  const visit: Omit<VisitMetadata, 'receivedAt'> = {};
  if (input.ip) visit.ip = input.ip;
  if (parsed?.browser.name) visit.browser = parsed.browser.name;
  if (parsed?.browser.version) visit.browserVersion = parsed.browser.version;
  if (os) visit.os = os;
  if (language) visit.language = language;
  if (userAgent) visit.userAgent = userAgent;
  return visit;
}
