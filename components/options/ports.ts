import type { OwnNotes } from '@/lib/notes/store';
import type { FeedImportResult, PublishResult, Team } from '@/lib/notes/team-feed';
import type { NotesImportResult } from '@/lib/notes/transfer';
import type { FeedListEntry, ForgetReply, PreviewResult, SubscribeReply, SyncFeedReply } from '@/lib/settings/feeds';
import type { PolicyState } from '@/lib/settings/policy';
import type { Profile } from '@/lib/settings/profile';
import type { HiddenCardsPort } from '../hidden-cards-port';
import type { SiteAccessPort } from './SiteAccess';

// What the settings page needs from the browser, injected so component tests need no extension APIs.

export interface FeedsPort {
  /** Calls onChange with the feed list now and after every change, until the returned function is called. */
  watch(onChange: (entries: FeedListEntry[]) => void, onError: (error: unknown) => void): () => void;
  /** Downloads and reads a feed, storing nothing; with keys, checks it is signed by one of them. */
  preview(url: string, keys?: readonly string[]): Promise<PreviewResult>;
  subscribe(url: string, keys?: readonly string[]): Promise<SubscribeReply>;
  sync(url: string): Promise<SyncFeedReply>;
  forget(url: string): Promise<ForgetReply>;
  /** Whether Signpost may already download from this feed's host, whatever the host's CORS headers. */
  hasHostAccess(url: string): Promise<boolean>;
  /** Asks the user for that permission; false when refused or when the browser cannot ask. */
  requestHostAccess(url: string): Promise<boolean>;
}

export interface ProfilePort {
  load(): Promise<Profile>;
  save(profile: Profile): Promise<void>;
}

export interface NotesPort {
  /** Calls onChange with the clinician's own notes now and after every change. */
  watch(onChange: (notes: OwnNotes) => void, onError: (error: unknown) => void): () => void;
  team(): Promise<Team | null>;
  publish(noteIds: readonly string[], team: { id: string; name: string; url?: string }): Promise<PublishResult>;
  exportFile(): Promise<{ text: string; fileName: string; count: number }>;
  /** Imports every note of a notes file, or refuses the file whole with a reason. */
  importFile(text: string): Promise<{ ok: true; result: NotesImportResult } | { ok: false; problem: string }>;
  importFeedFile(fileName: string, text: string): Promise<FeedImportResult>;
}

export interface OptionsPorts {
  /** The organisation's policy in force, and whether the last one read was valid. */
  policy(): Promise<PolicyState>;
  feeds: FeedsPort;
  notes: NotesPort;
  profile: ProfilePort;
  siteAccess: SiteAccessPort;
  hiddenCards: HiddenCardsPort;
  /** Saves a file to the user's downloads. */
  download(fileName: string, text: string): void;
  now(): number;
}
