import { useEffect, useState } from 'preact/hooks';
import type { FeedListEntry } from '@/lib/settings/feeds';
import type { Profile } from '@/lib/settings/profile';
import { HiddenCards } from '../HiddenCards';
import { FeedsSection } from './FeedsSection';
import type { OptionsPorts } from './ports';
import { isLocked, NO_POLICY, type PolicyState } from '@/lib/settings/policy';
import { NotesSection } from './NotesSection';
import { PolicyNotice } from './PolicyNotice';
import { ProfileSection } from './ProfileSection';
import { SiteAccess } from './SiteAccess';
import { TransferSection } from './TransferSection';

/** "Last checked 3 minutes ago" is redrawn this often while the page stays open. */
const CLOCK_TICK_MS = 60_000;

const SECTIONS = [
  ['feeds', 'Feeds'],
  ['other-websites', 'Other websites'],
  ['hidden-cards', 'Hidden cards'],
  ['profile', 'Your profile'],
  ['notes', 'Peer notes'],
  ['transfer', 'Export and import'],
] as const;

export function OptionsPage({ ports }: { ports: OptionsPorts }) {
  const [entries, setEntries] = useState<FeedListEntry[] | null>(null);
  const [feedsFailed, setFeedsFailed] = useState(false);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [profileFailed, setProfileFailed] = useState(false);
  // Bumped by an import, so the sections showing imported settings start again from what is stored.
  const [generation, setGeneration] = useState(0);
  const [now, setNow] = useState(ports.now);
  const [policy, setPolicy] = useState<PolicyState>({ policy: NO_POLICY });
  useEffect(() => {
    void ports.policy().then(setPolicy, () => undefined);
  }, [ports]);

  useEffect(
    () =>
      ports.feeds.watch(
        (next) => {
          setEntries(next);
          setNow(ports.now());
        },
        () => setFeedsFailed(true),
      ),
    [ports],
  );
  useEffect(() => {
    void ports.profile.load().then(setProfile, () => setProfileFailed(true));
  }, [ports]);
  useEffect(() => {
    const timer = setInterval(() => setNow(ports.now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, [ports]);

  const saveProfile = async (next: Profile) => {
    await ports.profile.save(next);
    setProfile(next);
  };

  return (
    <>
      <header class="page-header">
        <h1>Signpost settings</h1>
        <nav aria-label="Settings sections">
          <ul>
            {SECTIONS.map(([target, title]) => (
              <li key={target}>
                <a href={`#${target}`}>{title}</a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main class="page">
        <PolicyNotice state={policy} />
        <FeedsSection port={ports.feeds} entries={entries} loadFailed={feedsFailed} now={now} feedsLocked={isLocked(policy.policy, 'feeds')} />
        <div id="other-websites">
          <SiteAccess key={generation} access={ports.siteAccess} badgesLocked={isLocked(policy.policy, 'linkBadges')} />
        </div>
        <HiddenCards port={ports.hiddenCards} whenNone="say-so" sectionClass="panel" buttonClass="button secondary" />
        {profile ? (
          <>
            <ProfileSection key={generation} initial={profile} onSave={saveProfile} championEmailLocked={isLocked(policy.policy, 'championEmail')} />
            <NotesSection port={ports.notes} download={ports.download} />
            <TransferSection
              ports={ports}
              subscriptions={entries?.filter((entry) => !entry.bundled && !entry.record?.importedFrom).map(({ url, keys }) => ({ url, ...(keys ? { keys } : {}) })) ?? []}
              profile={profile}
              saveProfile={saveProfile}
              onImported={() => setGeneration((before) => before + 1)}
            />
          </>
        ) : (
          <p>{profileFailed ? 'Signpost could not read your profile on this computer. Reload this page to try again.' : 'Loading your profile…'}</p>
        )}
      </main>
    </>
  );
}
