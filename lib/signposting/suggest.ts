import { oneLine } from './patient-text';

// "Suggest this tool": an email to the practice's digital champion, prefilled and left for the
// clinician to send. The one place a visited page's address leaves Signpost, and only by the
// clinician's own action in their own email app.

export interface SuggestedPage {
  url: string;
  title?: string;
}

const MAX_TITLE = 200;

/** RFC 6068: every part percent-encoded, line breaks as CRLF. */
export function suggestionMailto(championEmail: string, page: SuggestedPage): string {
  const title = page.title ? oneLine(page.title).slice(0, MAX_TITLE) : '';
  const name = title || hostOf(page.url);
  const body = [
    'Hello,',
    '',
    `I came across a digital health tool that is not in our Signpost registry yet: ${name}.`,
    `Page: ${page.url}`,
    '',
    'Could it be reviewed for our practice?',
    '',
    'Thank you.',
  ].join('\r\n');
  // The address was validated as an email when saved; encoding it keeps "?" or "&" from ever
  // starting the header part, and "@" is left readable for the email app.
  const to = encodeURIComponent(championEmail).replace(/%40/g, '@');
  return `mailto:${to}?subject=${encodeURIComponent(`Signpost suggestion: ${name}`)}&body=${encodeURIComponent(body)}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || url;
  } catch {
    return url;
  }
}
