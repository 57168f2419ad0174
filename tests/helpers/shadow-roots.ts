import { vi } from 'vitest';

// Signpost's shadow roots are closed: `host.shadowRoot` is null to the page, and to tests. Tests
// read them as the browser's own tools do, from outside the page: a spy on attachShadow, installed
// before the root is made, keeps each root as it is created. A page script cannot do the same for
// Signpost's roots: content scripts run in an isolated world, whose Element.prototype is not the
// page's (tests/e2e reach the roots through Chromium's DevTools protocol instead).

export interface ShadowRoots {
  /** The root attached to the first element named `hostTag`, or null when there is none. */
  of(hostTag: string): ShadowRoot | null;
  /** How each root was asked for. */
  modes(): ShadowRootMode[];
}

export function captureShadowRoots(): ShadowRoots {
  const roots = new Map<Element, ShadowRoot>();
  const modes: ShadowRootMode[] = [];
  const attachShadow = Element.prototype.attachShadow;
  vi.spyOn(Element.prototype, 'attachShadow').mockImplementation(function (this: Element, init: ShadowRootInit) {
    const root = attachShadow.call(this, init);
    roots.set(this, root);
    modes.push(init.mode);
    return root;
  });
  return {
    of: (hostTag) => {
      const host = document.querySelector(hostTag);
      return (host && roots.get(host)) ?? null;
    },
    modes: () => [...modes],
  };
}
