import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { formatTimestamp } from '@/lib/format/dates';
import type { OwnNotes } from '@/lib/notes/store';
import { teamIdFrom, type PublishProblem } from '@/lib/notes/team-feed';
import { describeNotesImport } from '@/lib/notes/transfer';
import { NOTE_VERDICT_LABELS } from '@/lib/notes/vocabulary';
import { count } from '@/lib/publish/report';
import { RepairPrompt } from '../notes/RepairPrompt';
import { Field } from './Field';
import { useFocusAfterRender } from '../focus';
import type { NotesPort } from './ports';

// Peer notes in settings: the clinician's own notes, sharing chosen ones as a team feed (digital
// champions), moving notes between computers, and importing a colleague's team feed file.

const EXCERPT_LENGTH = 90;

export interface NotesSectionProps {
  port: NotesPort;
  download(fileName: string, text: string): void;
}

export function NotesSection({ port, download }: NotesSectionProps) {
  const id = useId();
  const [own, setOwn] = useState<OwnNotes | null>(null);
  const [failed, setFailed] = useState(false);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => port.watch(setOwn, () => setFailed(true)), [port]);
  const notes = own?.notes;

  const toggle = (id: string, on: boolean) => setChosen((before) => new Set(on ? [...before, id] : [...before].filter((other) => other !== id)));

  return (
    <section id="notes" aria-labelledby="notes-heading" class="panel">
      <h2 id="notes-heading">Peer notes</h2>
      <p>Your notes stay on this computer unless you share them. Notes are about tools, never patients.</p>
      <h3>Your notes{notes ? ` (${notes.length})` : ''}</h3>
      {failed ? (
        <p>Signpost could not read your notes on this computer. Reload this page to try again.</p>
      ) : !notes ? (
        <p>Reading your notes…</p>
      ) : notes.length === 0 ? (
        <p>You have not written any notes yet. Add one from a trust card or from the Signpost toolbar button.</p>
      ) : (
        <>
        {own.unreadable.length > 0 && (
          <p class="warning">
            {count(own.unreadable.length, 'stored note')} could not be read. {own.unreadable.length === 1 ? 'It is' : 'They are'} kept on this computer and included in “Download my notes”.
          </p>
        )}
        <fieldset class="notes-choice">
          <legend>Choose the notes to share with colleagues</legend>
          <p>
            <button type="button" class="button secondary" onClick={() => setChosen(new Set(chosen.size === notes.length ? [] : notes.map(({ note }) => note.id)))}>
              {chosen.size === notes.length ? 'Choose none' : 'Choose all'}
            </button>
          </p>
          {notes.map(({ note, repair }) => (
            <div key={note.id}>
              <label class="checkbox">
                <input type="checkbox" checked={chosen.has(note.id)} onChange={(event) => toggle(note.id, event.currentTarget.checked)} aria-describedby={repair.length ? `${id}-repair-${note.id}` : undefined} />
                <span>
                  <strong>{note.toolName}</strong>: {NOTE_VERDICT_LABELS[note.verdict]}, {formatTimestamp(note.updatedAt)}. “
                  {note.text.length > EXCERPT_LENGTH ? `${note.text.slice(0, EXCERPT_LENGTH)}…` : note.text}”
                </span>
              </label>
              {repair.length > 0 && <RepairPrompt id={`${id}-repair-${note.id}`} repair={repair} where="from the trust card or the toolbar button" />}
            </div>
          ))}
        </fieldset>
        </>
      )}
      <ShareNotes port={port} download={download} chosen={[...chosen]} />
      <MoveNotes port={port} download={download} />
      <ImportTeamFeed port={port} />
    </section>
  );
}

function ShareNotes({ port, download, chosen }: NotesSectionProps & { chosen: string[] }) {
  const id = useId();
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState('');
  const [url, setUrl] = useState('');
  const [problems, setProblems] = useState<PublishProblem[]>([]);
  const [teamProblem, setTeamProblem] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const problemsRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();

  // The last team published as, so the next publish continues its sequence under the same id.
  useEffect(() => {
    void port.team().then((team) => {
      if (!team) return;
      setName(team.name);
      setTeamId(team.id);
      setUrl(team.url ?? '');
    });
  }, [port]);

  const publish = async () => {
    setStatus('');
    const result = await port.publish(chosen, { id: teamId.trim() || teamIdFrom(name), name: name.trim(), ...(url.trim() ? { url: url.trim() } : {}) });
    if (!result.ok) {
      setProblems(result.problems);
      setTeamProblem(result.teamProblem ?? null);
      if (result.problems.length) focusAfterRender(problemsRef);
      return;
    }
    setProblems([]);
    setTeamProblem(null);
    download(result.fileName, result.text);
    setStatus(
      `Your browser is saving ${result.fileName}: ${count(result.count, 'note')}, version ${result.sequence}. Put it where colleagues can reach it over HTTPS (such as your practice intranet) and give them its address to add under Feeds, or send them the file to import.`,
    );
  };

  return (
    <>
      <h3>Share as a team feed</h3>
      <p>
        For digital champions: the chosen notes go into a feed file, signed with your name and role. Every note is checked again for patient data
        first.
      </p>
      <Field id={`${id}-name`} label="Team name" hint="Colleagues see it beside each note, e.g. “Riverside PCN digital champions”." error={teamProblem}>
        {(control) => <input {...control} class="text-input" type="text" maxLength={200} value={name} onInput={(event) => setName(event.currentTarget.value)} />}
      </Field>
      <Field id={`${id}-id`} label="Team id" hint="Lower-case letters, digits and dashes. Keep it the same each time, so colleagues' copies update.">
        {(control) => (
          <input {...control} class="text-input" type="text" maxLength={100} value={teamId} placeholder={teamIdFrom(name)} onInput={(event) => setTeamId(event.currentTarget.value)} />
        )}
      </Field>
      <Field id={`${id}-url`} label="Where the feed will be (optional)" hint="The https:// address colleagues will add, shown to them as the team's web page.">
        {(control) => <input {...control} class="text-input" type="url" value={url} onInput={(event) => setUrl(event.currentTarget.value)} />}
      </Field>
      {problems.length > 0 && (
        <div ref={problemsRef} tabIndex={-1} role="alert" class="preview">
          <p>
            <strong>Nothing was shared.</strong> Fix these notes first (from the trust card or the toolbar button), then try again:
          </p>
          <ul>
            {problems.map((problem, index) => (
              <li key={index}>
                {problem.toolName}: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <button type="button" class="button" onClick={() => void publish()}>
        Create team feed file
      </button>
      <p role="status" class="status">
        {status}
      </p>
    </>
  );
}

/** What importing a chosen file did: a sentence to announce, or why nothing was imported. */
type ImportOutcome = { ok: true; message: string } | { ok: false; problem: string };

/** A labelled file input that reads the chosen file and reports the import in a live region. */
function FileImport({ label, hint, onFile }: { label: string; hint?: string; onFile: (name: string, text: string) => Promise<ImportOutcome> }) {
  const id = useId();
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const choose = async (input: HTMLInputElement) => {
    setStatus('');
    const file = input.files?.[0];
    if (!file) return;
    const text = await file.text().catch(() => null);
    input.value = '';
    const outcome: ImportOutcome = text === null ? { ok: false, problem: 'Signpost could not read that file.' } : await onFile(file.name, text);
    setProblem(outcome.ok ? null : outcome.problem);
    if (outcome.ok) setStatus(outcome.message);
  };

  return (
    <>
      <Field id={`${id}-file`} label={label} hint={hint} error={problem}>
        {(control) => <input {...control} type="file" accept=".json,application/json" onChange={(event) => void choose(event.currentTarget)} />}
      </Field>
      <p role="status" class="status">
        {status}
      </p>
    </>
  );
}

function MoveNotes({ port, download }: NotesSectionProps) {
  const [status, setStatus] = useState('');

  const exportNotes = async () => {
    const file = await port.exportFile();
    download(file.fileName, file.text);
    setStatus(`Your browser is saving ${file.fileName} (${count(file.count, 'note')}).`);
  };
  const importNotes = async (_name: string, text: string): Promise<ImportOutcome> => {
    const reply = await port.importFile(text).catch(() => ({ ok: false as const, problem: 'Your notes could not be saved on this computer. Nothing was imported.' }));
    return reply.ok ? { ok: true, message: `Notes imported: ${describeNotesImport(reply.result)}.` } : reply;
  };

  return (
    <>
      <h3>Move your notes to another computer</h3>
      <button type="button" class="button secondary" onClick={() => void exportNotes()}>
        Download my notes
      </button>
      <p role="status" class="status">
        {status}
      </p>
      <FileImport label="Import a notes file" hint="A file saved with “Download my notes”. Notes already here are kept; a newer edit replaces an older one." onFile={importNotes} />
    </>
  );
}

function ImportTeamFeed({ port }: Pick<NotesSectionProps, 'port'>) {
  const importFeed = async (name: string, text: string): Promise<ImportOutcome> => {
    const reply = await port.importFeedFile(name, text);
    if (!reply.ok) return reply;
    const contents = `${count(reply.notes, 'note')}${reply.tools ? ` and ${count(reply.tools, 'tool')}` : ''}`;
    return { ok: true, message: `Imported “${reply.publisher}”: ${contents}. It is listed under Feeds; import a newer file to update it.` };
  };

  return (
    <>
      <h3>Import a team feed file</h3>
      <p>If your team cannot host its feed on a web address, import the file it gave you. Its notes appear on the trust card, marked as your colleagues'.</p>
      <FileImport label="Team feed file" onFile={importFeed} />
    </>
  );
}
