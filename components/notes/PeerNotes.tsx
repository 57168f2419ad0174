import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { conditionLabel } from '@/lib/feed/conditions';
import { formatTimestamp } from '@/lib/format/dates';
import type { NoteActions } from '@/lib/notes/actions';
import { signature, type NoteView, type ToolNotes } from '@/lib/notes/view';
import { NOTE_VERDICT_LABELS, NOTE_VERDICT_SYMBOLS } from '@/lib/notes/vocabulary';
import { useFocusAfterRender } from '../focus';
import { NoteEditor } from './NoteEditor';
import { RepairPrompt } from './RepairPrompt';

// Peer notes on one tool: the clinician's own (editable) apart from colleagues' (read-only, with
// the team feed they came from). Notes are opinions, so they are never mixed with the claims of
// NICE, charities and networks above them, and every note's text is rendered as text.

/** Undo is offered this long after a delete (the store keeps the note restorable a little longer). */
const UNDO_OFFER_MS = 10_000;

export interface PeerNotesProps {
  notes: ToolNotes;
  /** The tool's conditions: offered in the editor, and in the popup's filter. */
  conditions: readonly string[];
  /** Without actions the notes are shown read-only. */
  actions?: NoteActions;
  /** The card shows the newest few of each kind; the popup shows all. */
  limit?: number;
  /** Lets the reader show only the notes for one condition (the popup). */
  filterable?: boolean;
  idPrefix: string;
}

type Mode = { kind: 'list' } | { kind: 'add' } | { kind: 'edit'; note: NoteView };

export function PeerNotes({ notes: initial, conditions, actions, limit, filterable = false, idPrefix }: PeerNotesProps) {
  const [notes, setNotes] = useState(initial);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [deleted, setDeleted] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [condition, setCondition] = useState('');
  const addButton = useRef<HTMLButtonElement>(null);
  const undoButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const id = (name: string) => `${idPrefix}-${name}`;

  useEffect(() => setNotes(initial), [initial]);
  useEffect(() => {
    if (!deleted) return;
    const timer = setTimeout(() => setDeleted(null), UNDO_OFFER_MS);
    return () => clearTimeout(timer);
  }, [deleted]);

  const subject = notes.subject;
  const backToList = (message: string, focus: 'add' | 'undo' = 'add') => {
    setMode({ kind: 'list' });
    setStatus(message);
    focusAfterRender(focus === 'add' ? addButton : undoButton);
  };
  const remove = async (note: NoteView) => {
    if (!actions || !subject) return;
    setNotes(await actions.remove(note.id, subject));
    setDeleted(note.id);
    backToList('Your note was deleted.', 'undo');
  };
  const undo = async () => {
    if (!actions || !subject || !deleted) return;
    setNotes(await actions.restore(deleted, subject));
    setDeleted(null);
    backToList('Your note was restored.');
  };

  const shown = (list: NoteView[]) => {
    const matching = condition ? list.filter((note) => note.conditions.includes(condition)) : list;
    return limit === undefined ? matching : matching.slice(0, limit);
  };
  const noteConditions = [...new Set([...notes.own, ...notes.team].flatMap((note) => note.conditions))];
  const own = shown(notes.own);
  const team = shown(notes.team);
  const hidden = notes.own.length + notes.team.length - own.length - team.length;
  const total = notes.own.length + notes.team.length;

  return (
    <section class="peer-notes" aria-labelledby={id('heading')}>
      <h3 id={id('heading')}>Peer notes ({total})</h3>
      <p class="hint">Colleagues' experience of the tool: opinions, not endorsements.</p>
      {filterable && noteConditions.length > 0 && (
        <p>
          <label for={id('filter')}>Show notes for </label>
          <select id={id('filter')} value={condition} onChange={(event) => setCondition(event.currentTarget.value)}>
            <option value="">all conditions</option>
            {noteConditions.map((value) => (
              <option key={value} value={value}>
                {conditionLabel(value)}
              </option>
            ))}
          </select>
        </p>
      )}
      {total === 0 && <p>No peer notes yet.</p>}
      {own.length > 0 && (
        <>
          <h4>Your notes</h4>
          <ul class="notes-list">
            {own.map((note) => (
              <NoteLine key={note.id} note={note}>
                {actions && mode.kind === 'list' && (
                  <p class="note-actions">
                    <button type="button" onClick={() => setMode({ kind: 'edit', note })} aria-label={`Edit your note of ${formatTimestamp(note.updatedAt)}`}>
                      Edit
                    </button>{' '}
                    <button type="button" onClick={() => void remove(note)} aria-label={`Delete your note of ${formatTimestamp(note.updatedAt)}`}>
                      Delete
                    </button>
                  </p>
                )}
              </NoteLine>
            ))}
          </ul>
        </>
      )}
      {team.length > 0 && (
        <>
          <h4>From colleagues</h4>
          <ul class="notes-list">
            {team.map((note) => (
              <NoteLine key={`${note.via?.feedUrl} ${note.id}`} note={note} />
            ))}
          </ul>
        </>
      )}
      {hidden > 0 && <p class="hint">{limit === undefined ? `${hidden} more for other conditions.` : `${hidden} more in the Signpost toolbar button.`}</p>}
      <p role="status" class="note-status">
        {status}
        {deleted && (
          <>
            {' '}
            <button ref={undoButton} type="button" onClick={() => void undo()}>
              Undo
            </button>
          </>
        )}
      </p>
      {actions && subject && mode.kind !== 'list' ? (
        <NoteEditor
          key={mode.kind === 'edit' ? mode.note.id : 'new'}
          subject={subject}
          conditions={conditions}
          editing={mode.kind === 'edit' ? mode.note : undefined}
          signedAs={notes.signedAs}
          actions={actions}
          idPrefix={id('editor')}
          onSaved={(next) => {
            setNotes(next);
            backToList(mode.kind === 'edit' ? 'Your note was updated.' : 'Your note was saved on this computer.');
          }}
          onCancel={() => backToList('')}
        />
      ) : (
        actions &&
        subject && (
          <p>
            <button ref={addButton} type="button" onClick={() => setMode({ kind: 'add' })}>
              Add a note
            </button>
          </p>
        )
      )}
    </section>
  );
}

function NoteLine({ note, children }: { note: NoteView; children?: ComponentChildren }) {
  const author = signature(note.author) || 'Name not given';
  const edited = note.updatedAt.slice(0, 10) !== note.createdAt.slice(0, 10);
  return (
    <li class={`note verdict-${note.verdict}`}>
      <p class="note-head">
        <span aria-hidden="true">{NOTE_VERDICT_SYMBOLS[note.verdict]} </span>
        <strong>{NOTE_VERDICT_LABELS[note.verdict]}</strong>
        <span class="secondary">
          {' · '}
          {author}
          {note.author.organisation && `, ${note.author.organisation}`} · {formatTimestamp(note.createdAt)}
          {edited && ` (edited ${formatTimestamp(note.updatedAt)})`}
        </span>
      </p>
      {note.repair && <RepairPrompt repair={note.repair} />}
      {note.old && <p class="warning">Old note: last updated {formatTimestamp(note.updatedAt)}. The tool, or how it is used, may have changed since.</p>}
      <p class="note-text">{note.text}</p>
      {(note.conditions.length > 0 || note.tags.length > 0) && (
        <p class="secondary">
          {note.conditions.length > 0 && `For: ${note.conditions.map(conditionLabel).join(', ')}`}
          {note.conditions.length > 0 && note.tags.length > 0 && ' · '}
          {note.tags.length > 0 && `Tags: ${note.tags.join(', ')}`}
        </p>
      )}
      {note.via && <p class="secondary">Shared by {note.via.publisher} (a team feed), read-only.</p>}
      {children}
    </li>
  );
}
