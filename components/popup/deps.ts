import type { ToolNoteActions } from '@/lib/notes/actions';
import type { SignpostingPort } from '@/lib/monitoring/actions';
import type { SearchSource } from '@/lib/search/registry-search';
import type { HiddenCardsPort } from '../hidden-cards-port';
import type { Profile } from '@/lib/settings/profile';

// Everything the popup and the handout page need from outside, passed in, so component tests run
// without extension APIs and the browser wiring stays in one small module (browser-deps.ts).

export interface CurrentTab {
  url?: string;
  title?: string;
}

export interface RegistryDeps {
  source: SearchSource;
  now(): number;
  /** The signposting record, kept by the background (docs/monitoring.md). */
  signposting: SignpostingPort;
}

export interface PopupDeps extends RegistryDeps {
  /** The page the clinician was on when they opened the popup; null when it cannot be read. */
  currentTab(): Promise<CurrentTab | null>;
  profile(): Promise<Profile>;
  copyText(text: string): Promise<void>;
  /** Opens the printable handout for a product (by its record id) in a new tab. */
  openHandout(recordId: string, link: string | null, condition: string | null): void;
  openSettings(): void;
  /** Opens My signposting (entrypoints/signposting) in a new tab. */
  openSignpostingPage(): void;
  hiddenCards: HiddenCardsPort;
  notes: ToolNoteActions;
}
