import { render } from 'preact';
import type { LookupReply } from '@/lib/background/handlers';
import { CARD_MARGIN, chooseCorner, cornerBox, type Box } from '@/lib/page/placement';
import { noteSubjectOf } from '@/lib/registry/present';
import { CardNotes } from './notes/CardNotes';
import { TrustCard } from './TrustCard';
import cardCss from './trust-card.css?inline';

// The card floats in a shadow root attached to <html>: the page's CSS cannot reach in, the card's
// cannot leak out, and a fixed position never shifts the page's layout. Host styles are inline
// and !important because page stylesheets with `* { … !important }` would otherwise win.
// The root is closed and the card acts only on trusted events: the page's scripts can neither read
// the card nor press its buttons (a page could otherwise hide cards by the dozen). It holds only
// public verdict text; peer notes live in a frame of Signpost's own (notes/CardNotes.tsx).

const HOST_TAG = 'signpost-trust-card';
const HOST_STYLE: Record<string, string> = {
  all: 'initial',
  position: 'fixed',
  'z-index': '2147483647',
  display: 'block',
  margin: '0',
  padding: '0',
  border: '0',
  width: 'auto',
  height: 'auto',
  visibility: 'visible',
  opacity: '1',
  transform: 'none',
  'pointer-events': 'auto',
  // The first frame shows the card in the usual corner from CSS alone; measuring the page for the
  // install button waits for the next frame, so it never delays the card (a forced layout of
  // 12-18 ms on a store page).
  right: `${CARD_MARGIN}px`,
  bottom: `${CARD_MARGIN}px`,
};

export interface CardOverlay {
  show(reply: LookupReply, identityKey: string, onDismiss: () => void): void;
  remove(): void;
  isInUse(): boolean;
}

/** `avoidSelector` matches what the card must never cover (a store's install button), if anything. */
export function createCardOverlay(avoidSelector?: string): CardOverlay {
  let host: HTMLElement | null = null;
  /** The closed root: `host.shadowRoot` is null, to the page and to this script alike. */
  let shadow: ShadowRoot | null = null;
  let mount: HTMLElement | null = null;
  let frame = 0;
  const resizeObserver = new ResizeObserver(() => schedulePlacement());

  const place = () => {
    frame = 0;
    const card = mount?.firstElementChild;
    if (!host || !card) return;
    const size = card.getBoundingClientRect();
    const viewport = { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight };
    const avoid: Box[] = avoidSelector ? [...document.querySelectorAll(avoidSelector)].map((element) => element.getBoundingClientRect()) : [];
    const box = cornerBox(chooseCorner(size, viewport, avoid), size, viewport);
    host.style.setProperty('left', `${Math.max(0, box.left)}px`, 'important');
    host.style.setProperty('top', `${Math.max(0, box.top)}px`, 'important');
    host.style.setProperty('right', 'auto', 'important');
    host.style.setProperty('bottom', 'auto', 'important');
  };
  // Layout reads and writes once per animation frame, however many events arrive.
  const schedulePlacement = () => {
    if (!frame) frame = requestAnimationFrame(place);
  };

  const ensureHost = () => {
    if (host?.isConnected && mount) return mount;
    host = document.createElement(HOST_TAG);
    for (const [property, value] of Object.entries(HOST_STYLE)) host.style.setProperty(property, value, 'important');
    shadow = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = cardCss;
    mount = document.createElement('div');
    shadow.append(style, mount);
    document.documentElement.append(host);
    window.addEventListener('scroll', schedulePlacement, { passive: true });
    window.addEventListener('resize', schedulePlacement, { passive: true });
    return mount;
  };

  return {
    show(reply, identityKey, onDismiss) {
      const target = ensureHost();
      // A new key per page identity: moving to another app starts from a fresh, collapsed card.
      const [primary] = reply.matches;
      const notes = primary && <CardNotes topic={{ subject: noteSubjectOf(primary.product), conditions: primary.product.conditions }} />;
      render(<TrustCard key={identityKey} data={reply} notesSlot={notes} onDismiss={onDismiss} trustedEventsOnly />, target);
      resizeObserver.disconnect();
      // Observing starts with one callback once the card is laid out: that places it.
      if (target.firstElementChild) resizeObserver.observe(target.firstElementChild);
    },
    isInUse: () => Boolean(host && (host.matches(':hover') || shadow?.activeElement)),
    remove() {
      if (!host) return;
      if (mount) render(null, mount);
      resizeObserver.disconnect();
      window.removeEventListener('scroll', schedulePlacement);
      window.removeEventListener('resize', schedulePlacement);
      host.remove();
      host = null;
      shadow = null;
      mount = null;
    },
  };
}
