import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Moves keyboard focus to an element once it has been rendered: to what an action produced (a
 * preview, an error), or back to where the user came from. Asked for by the action itself rather
 * than derived from state, so a later action always wins over an earlier one still pending.
 */
export function useFocusAfterRender(): (target: RefObject<HTMLElement | null>) => void {
  const pending = useRef<RefObject<HTMLElement | null> | null>(null);
  // Asking renders again, so focus moves even when nothing else on screen changed.
  const [, rerender] = useState(0);
  useEffect(() => {
    const element = pending.current?.current;
    if (!element) return;
    pending.current = null;
    element.focus();
  });
  return (target) => {
    pending.current = target;
    rerender((count) => count + 1);
  };
}
