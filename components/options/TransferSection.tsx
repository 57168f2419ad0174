import { useId, useRef, useState } from 'preact/hooks';
import {
  describeImport,
  parseSettingsFile,
  planImport,
  planIsEmpty,
  settingsFileName,
  settingsFileText,
  type ImportMode,
  type ImportPlan,
  type SettingsFile,
  type SettingsSnapshot,
} from '@/lib/settings/export';
import type { Profile } from '@/lib/settings/profile';
import { keyIdOf } from '@/lib/feed/keys';
import type { SubscribedFeed } from '@/lib/settings/export';
import { NO_ANSWER } from './feed-text';
import { Field } from './Field';
import { useFocusAfterRender } from '../focus';
import type { OptionsPorts } from './ports';

export interface TransferSectionProps {
  ports: Pick<OptionsPorts, 'feeds' | 'siteAccess' | 'download' | 'now'>;
  /** The feeds the user added (not the bundled one), with the keys they pinned. */
  subscriptions: readonly SubscribedFeed[];
  profile: Profile;
  saveProfile: (profile: Profile) => Promise<void>;
  /** Called after an import, so sections showing imported settings read them again. */
  onImported: () => void;
}

/** Read from the file the user chose, with the settings it would be compared with. */
interface Chosen {
  file: SettingsFile;
  current: SettingsSnapshot;
  /** Each pinned key's short id, as Settings names keys elsewhere. */
  keyIds: ReadonlyMap<string, string>;
}

export function TransferSection({ ports, subscriptions, profile, saveProfile, onImported }: TransferSectionProps) {
  const [exportStatus, setExportStatus] = useState('');
  const [importStatus, setImportStatus] = useState('');
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [mode, setMode] = useState<ImportMode>('merge');
  const [applying, setApplying] = useState(false);
  const planRef = useRef<HTMLDivElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const focusAfterRender = useFocusAfterRender();

  const snapshot = async (): Promise<SettingsSnapshot> => ({ subscriptions: [...subscriptions], profile, linkBadges: await ports.siteAccess.linkBadges() });

  const exportSettings = async () => {
    const now = ports.now();
    const name = settingsFileName(now);
    ports.download(name, settingsFileText(await snapshot(), now));
    setExportStatus(`Your browser is saving ${name} to your downloads.`);
  };

  const choose = async (file: File | undefined) => {
    setImportStatus('');
    setChosen(null);
    if (!file) return;
    const parsed = parseSettingsFile(await file.text().catch(() => ''));
    setFileProblem(parsed.ok ? null : parsed.problem);
    if (!parsed.ok) return;
    const keys = [...new Set(parsed.file.subscriptions.flatMap((feed) => feed.keys ?? []))];
    const keyIds = new Map(await Promise.all(keys.map(async (key) => [key, await keyIdOf(key)] as const)));
    setChosen({ file: parsed.file, current: await snapshot(), keyIds });
    focusAfterRender(planRef);
  };

  const reset = () => {
    setChosen(null);
    setMode('merge');
    if (fileRef.current) fileRef.current.value = '';
    focusAfterRender(fileRef);
  };

  const apply = async (plan: ImportPlan) => {
    setApplying(true);
    const failed: string[] = [];
    try {
      const added = await Promise.all(
        plan.addFeeds.map(async ({ url, keys }) => {
          const reply = await ports.feeds.subscribe(url, keys).catch(() => NO_ANSWER);
          if (!reply.ok) failed.push(`${url} was not added: ${reply.problem}`);
          return reply.ok;
        }),
      );
      for (const url of plan.removeFeeds) {
        const reply = await ports.feeds.forget(url).catch(() => NO_ANSWER);
        if (!reply.ok) failed.push(`${url} was not removed: ${reply.problem}`);
      }
      // A feed's keys change by subscribing again with them: its data is checked afresh, and its rollback floor is kept.
      for (const { url, keys } of plan.repinFeeds) {
        const removed = await ports.feeds.forget(url).catch(() => NO_ANSWER);
        const reply = removed.ok ? await ports.feeds.subscribe(url, keys).catch(() => NO_ANSWER) : removed;
        if (!reply.ok) failed.push(`The keys for ${url} were not changed: ${reply.problem}`);
      }
      if (plan.profile) await saveProfile(plan.profile);
      if (plan.linkBadges !== undefined) await ports.siteAccess.setLinkBadges(plan.linkBadges);
      const done = { ...plan, addFeeds: plan.addFeeds.filter((_, index) => added[index]) };
      setImportStatus([`Settings imported: ${describeImport(done)}.`, ...failed].join(' '));
    } catch {
      setImportStatus('Part of the import could not be saved on this computer. Check your settings on this page, then try again.');
    } finally {
      setApplying(false);
      reset();
      onImported();
    }
  };

  const plan = chosen && planImport(chosen.current, chosen.file, mode);
  return (
    <section id="transfer" aria-labelledby="transfer-heading" class="panel">
      <h2 id="transfer-heading">Export and import</h2>
      <h3>Export</h3>
      <p>Saves your feeds, profile and link badge choice in a file, to use on another computer or to give colleagues the same feeds.</p>
      <button type="button" class="button secondary" onClick={() => void exportSettings()}>
        Download settings file
      </button>
      <p role="status" class="status">
        {exportStatus}
      </p>

      <h3>Import</h3>
      <p>Choose a settings file saved from Signpost. You will see what it changes before anything changes.</p>
      <Field id={`${id}-file`} label="Settings file" error={fileProblem}>
        {(control) => (
          <input {...control} ref={fileRef} type="file" accept=".json,application/json" onChange={(event) => void choose(event.currentTarget.files?.[0])} />
        )}
      </Field>
      <p role="status" class="status">
        {importStatus}
      </p>
      {plan && (
        <div ref={planRef} tabIndex={-1} class="preview">
          <h4>What this import will change</h4>
          <fieldset class="choice">
            <legend>Feeds in the file</legend>
            <label class="radio">
              <input type="radio" name={`${id}-mode`} checked={mode === 'merge'} onChange={() => setMode('merge')} />
              Add them to your feeds (keeps the feeds you have)
            </label>
            <label class="radio">
              <input type="radio" name={`${id}-mode`} checked={mode === 'replace'} onChange={() => setMode('replace')} />
              Replace your feeds with them (removes feeds that are not in the file, with their tools)
            </label>
          </fieldset>
          <PlanDetails plan={plan} keyIds={chosen.keyIds} />
          <div class="actions">
            <button type="button" class="button" aria-disabled={applying || planIsEmpty(plan)} aria-busy={applying} onClick={() => !applying && !planIsEmpty(plan) && void apply(plan)}>
              Apply these changes
            </button>
            <button type="button" class="button secondary" onClick={reset}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function UrlList({ title, feeds, keyIds }: { title: string; feeds: readonly SubscribedFeed[]; keyIds?: ReadonlyMap<string, string> }) {
  if (feeds.length === 0) return null;
  return (
    <>
      <p>{title}</p>
      <ul>
        {feeds.map(({ url, keys }) => (
          <li key={url}>
            <span class="feed-url">{url}</span>
            {keyIds && `: ${keys?.length ? `checked with key ${keys.map((key) => keyIds.get(key) ?? key).join(' or ')}` : 'no key pinned, so unsigned copies are accepted'}`}
          </li>
        ))}
      </ul>
    </>
  );
}

function PlanDetails({ plan, keyIds }: { plan: ImportPlan; keyIds: ReadonlyMap<string, string> }) {
  if (planIsEmpty(plan) && plan.skippedFeeds.length === 0) return <p>Nothing would change: your settings already match this file.</p>;
  return (
    <>
      <UrlList title="Feeds to add:" feeds={plan.addFeeds} keyIds={keyIds} />
      <UrlList title="Feeds to remove, with their tools:" feeds={plan.removeFeeds.map((url) => ({ url }))} />
      <UrlList title="Feeds whose keys change:" feeds={plan.repinFeeds} keyIds={keyIds} />
      {plan.skippedFeeds.length > 0 && (
        <>
          <p>Addresses in the file that Signpost will not use:</p>
          <ul>
            {plan.skippedFeeds.map(({ url, reason }) => (
              <li key={url}>
                <span class="feed-url">{url}</span>: {reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {plan.profileChanges.length > 0 && (
        <table class="changes">
          <caption>Profile changes</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Now</th>
              <th scope="col">After the import</th>
            </tr>
          </thead>
          <tbody>
            {plan.profileChanges.map((change) => (
              <tr key={change.field}>
                <th scope="row">{change.field}</th>
                <td>{change.from}</td>
                <td>{change.to}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.linkBadges !== undefined && <p>Link badges will be turned {plan.linkBadges ? 'on (they need "Recognise tool websites" as well)' : 'off'}.</p>}
    </>
  );
}
