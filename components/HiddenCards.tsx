import { useEffect, useRef, useState } from 'preact/hooks';
import { hiddenCardName, type HiddenCard } from '@/lib/settings/dismissed';
import { useFocusAfterRender } from './focus';
import type { HiddenCardsPort } from './hidden-cards-port';

// The cards the clinician hid with the card's ×, each with "Show again": in the toolbar popup
// (only while there are any, or just after showing one) and in Settings (always).

export interface HiddenCardsProps {
  port: HiddenCardsPort;
  /** The popup says nothing when no card is hidden; Settings says so. */
  whenNone: 'nothing' | 'say-so';
  sectionClass?: string;
  buttonClass?: string;
}

export function HiddenCards({ port, whenNone, sectionClass, buttonClass }: HiddenCardsProps) {
  const [cards, setCards] = useState<HiddenCard[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [status, setStatus] = useState('');
  const statusRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  useEffect(() => port.watch(setCards, () => setFailed(true)), [port]);

  // Once shown, the section stays while its message does: the message says what just happened.
  if (whenNone === 'nothing' && !cards?.length && !status) return null;

  const showAgain = async (card: HiddenCard) => {
    const name = hiddenCardName(card);
    const shown = await port.showAgain(card.key).then(
      () => true,
      () => false,
    );
    setStatus(shown ? `Signpost will show its card for ${name} again.` : `Signpost could not show ${name} again. Try again.`);
    // The button pressed is gone from the list: focus goes to what happened instead.
    focusAfterRender(statusRef);
  };

  return (
    <section id="hidden-cards" aria-labelledby="hidden-cards-heading" class={sectionClass}>
      <h2 id="hidden-cards-heading">Hidden cards</h2>
      <p class="hint">Cards you closed with ×. Each stays hidden only on that store page or website.</p>
      {failed ? (
        <p>Signpost could not read your hidden cards on this computer. Reload this page to try again.</p>
      ) : cards === null ? (
        <p>Reading your hidden cards…</p>
      ) : cards.length === 0 ? (
        <p>No cards are hidden.</p>
      ) : (
        <ul class="hidden-cards">
          {cards.map((card) => (
            <li key={card.key}>
              <span>{hiddenCardName(card)}</span>{' '}
              <button type="button" class={buttonClass} onClick={() => void showAgain(card)}>
                Show Signpost again<span class="sr-only"> for {hiddenCardName(card)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status" class="status" ref={statusRef} tabIndex={-1}>
        {status}
      </p>
    </section>
  );
}
