import type { ComponentChildren } from 'preact';

// Links from feeds open only when they are http(s) (the feed schema enforces it; this checks again
// at the point of use, since the popup also builds links of its own). Used by the card and the popup.

function isWebLink(href: string): boolean {
  try {
    const { protocol } = new URL(href);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export function ExternalLink({ href, children }: { href: string; children: ComponentChildren }) {
  if (!isWebLink(href)) return <span>{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
      <span class="sr-only"> (opens in a new tab)</span>
    </a>
  );
}
