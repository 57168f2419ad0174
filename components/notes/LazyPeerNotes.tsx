import { useEffect, useRef, useState } from 'preact/hooks';
import { askBackground } from '../ask-background';
import { CARD_NOTES_GLOBAL, type CardNotesHost, type CardNotesRenderer } from './card-notes-global';
import type { NoteSubject } from '@/lib/notes/schema';
import type { ToolNotes } from '@/lib/notes/view';
import type { PeerNotesProps } from './PeerNotes';

// The card's peer notes on a web page: a slot, filled by code the background injects on first
// use (entrypoints/card-notes.tsx). Design note: the injected script brings its own Preact, so it
// renders into this slot's element, never as a child component of this tree; the slot is left
// empty by this tree so the two never touch the same nodes.

let loading: Promise<CardNotesRenderer> | null = null;

function loadRenderer(): Promise<CardNotesRenderer> {
  const host = globalThis as CardNotesHost;
  loading ??= (async () => {
    if (!host[CARD_NOTES_GLOBAL]) await askBackground({ type: 'load-card-notes' });
    const renderer = host[CARD_NOTES_GLOBAL];
    if (!renderer) throw new Error('Signpost: the peer notes script did not load');
    return renderer;
  })().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * Mounted only when the card's details open: the notes and the code to show them are fetched
 * then, together, so the card's first paint waits for neither.
 */
export function LazyPeerNotes({ subject, ...props }: Omit<PeerNotesProps, 'notes'> & { subject: NoteSubject }) {
  const slot = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  useEffect(() => {
    const element = slot.current;
    let renderer: CardNotesRenderer | null = null;
    let cancelled = false;
    Promise.all([loadRenderer(), askBackground<ToolNotes>({ type: 'notes-for', subject })]).then(
      ([loaded, notes]) => {
        if (cancelled || !element) return;
        renderer = loaded;
        loaded.render(element, { ...props, notes });
        setState('ready');
      },
      () => !cancelled && setState('failed'),
    );
    return () => {
      cancelled = true;
      if (element) renderer?.unmount(element);
    };
    // The props object is new on every render of the card; what matters is which tool it is.
  }, [subject]);
  return (
    <>
      {state === 'loading' && <p class="hint">Loading peer notes…</p>}
      {state === 'failed' && <p class="hint">Peer notes could not be shown here. Open Signpost from the toolbar to see them.</p>}
      <div ref={slot} />
    </>
  );
}
