import { useEffect, useRef, useState } from 'preact/hooks';
import { conditionLabel } from '@/lib/feed/conditions';
import type { NoteActions } from '@/lib/notes/actions';
import type { NoteSubject } from '@/lib/notes/schema';
import type { NoteProblem, NoteView, ToolNotes } from '@/lib/notes/view';
import { NOTE_LIMITS, NOTE_VERDICT_LABELS, NOTE_VERDICTS, SUGGESTED_TAGS, type NoteVerdict } from '@/lib/notes/vocabulary';

// Writing or editing one peer note. The text is checked for patient data when it is saved (in
// the notes store, wherever the editor runs); a refusal names what was found and where, selects
// it in the field, and keeps the author's text only in this form, never in storage. A possible
// name or street address (never an identifier) may be kept with "Save anyway", which acts only
// on a person's own click (docs/patient-data.md).

export interface NoteEditorProps {
  subject: NoteSubject;
  /** The tool's conditions, offered as tick boxes. */
  conditions: readonly string[];
  /** The note being edited, or undefined for a new one. */
  editing?: NoteView;
  signedAs: string;
  actions: NoteActions;
  onSaved(notes: ToolNotes): void;
  onCancel(): void;
  /** Prefix for element ids: the card and the popup can both be on screen in tests. */
  idPrefix: string;
}

// Pasted from an email client, text carries invisible direction controls that a note may not hold
// (they can make text read in another order); the author cannot see them to remove them.
const withoutReorderControls = (text: string) => text.replace(/[\u202A-\u202E\u2066-\u2069]/g, '');

const splitTags = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

export function NoteEditor({ subject, conditions, editing, signedAs, actions, onSaved, onCancel, idPrefix }: NoteEditorProps) {
  const [verdict, setVerdict] = useState<NoteVerdict | undefined>(editing?.verdict);
  const [text, setText] = useState(editing?.text ?? '');
  const [chosenConditions, setChosenConditions] = useState<string[]>(editing?.conditions ?? []);
  const suggested: readonly string[] = SUGGESTED_TAGS;
  const [chosenTags, setChosenTags] = useState<string[]>(editing?.tags.filter((tag) => suggested.includes(tag)) ?? []);
  const [otherTags, setOtherTags] = useState(editing?.tags.filter((tag) => !suggested.includes(tag)).join(', ') ?? '');
  const [problems, setProblems] = useState<NoteProblem[]>([]);
  // Possible names and addresses the author chose to keep, as shown to them.
  const [keep, setKeep] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const firstVerdict = useRef<HTMLInputElement>(null);
  const otherTagsInput = useRef<HTMLInputElement>(null);
  const id = (name: string) => `${idPrefix}-${name}`;

  useEffect(() => (editing ? textArea.current : firstVerdict.current)?.focus(), [editing]);

  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list, value] : list.filter((item) => item !== value));
  const tags = [...chosenTags, ...splitTags(otherTags)];

  const showProblems = (found: NoteProblem[]) => {
    setProblems(found);
    const [first] = found;
    if (!first) return;
    // Take the author to the first problem, with what was found selected, ready to retype.
    if (first.path === 'verdict') firstVerdict.current?.focus();
    else if (first.path.startsWith('tags')) otherTagsInput.current?.focus();
    else if (first.path === 'text' && textArea.current) {
      textArea.current.focus();
      if (first.range) textArea.current.setSelectionRange(first.range.start, first.range.end);
    }
  };

  const onlyPossible = problems.length > 0 && problems.every((problem) => problem.possible);

  const save = async (kept = keep) => {
    setSaving(true);
    try {
      const reply = await actions.save({ ...(editing ? { id: editing.id } : {}), ...subject, verdict, text, conditions: chosenConditions, tags, keep: kept });
      if (reply.ok) onSaved(reply.notes);
      else showProblems(reply.problems);
    } catch {
      showProblems([{ path: '', message: 'Signpost could not save the note just now. Try again.' }]);
    } finally {
      setSaving(false);
    }
  };

  const saveAnyway = (event: MouseEvent) => {
    // Only a person's click keeps what may be a name: never a script's.
    if (!event.isTrusted) return;
    const kept = [...keep, ...problems.flatMap((problem) => (problem.possible ? [problem.possible.found] : []))];
    setKeep(kept);
    void save(kept);
  };

  const invalid = (prefix: string) => problems.some((problem) => problem.path === prefix || problem.path.startsWith(`${prefix}[`));
  const describedBy = (hint: string, prefix: string) => [hint, invalid(prefix) ? id('problems') : ''].filter(Boolean).join(' ');

  return (
    <form
      class="note-editor"
      aria-label={editing ? `Edit your note on ${subject.toolName}` : `Add a note on ${subject.toolName}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        // Escape closes the editor, not the card around it.
        event.stopPropagation();
        onCancel();
      }}
    >
      {problems.length > 0 && (
        <div id={id('problems')} class="warning" role="alert">
          <p>
            <strong>{onlyPossible ? 'The note was not saved yet: check this first.' : 'The note was not saved.'}</strong>
          </p>
          <ul class="problems">
            {problems.map((problem, index) => (
              <li key={index}>{problem.message}</li>
            ))}
          </ul>
          {onlyPossible && (
            <p>
              <button type="button" disabled={saving} onClick={saveAnyway}>
                Save anyway: not a patient's
              </button>
            </p>
          )}
        </div>
      )}
      <fieldset aria-invalid={invalid('verdict') || undefined} aria-describedby={invalid('verdict') ? id('problems') : undefined}>
        <legend>Your verdict</legend>
        {NOTE_VERDICTS.map((value, index) => (
          <label key={value} class="choice">
            <input ref={index === 0 ? firstVerdict : undefined} type="radio" name={id('verdict')} value={value} checked={verdict === value} onChange={() => setVerdict(value)} />
            {NOTE_VERDICT_LABELS[value]}
          </label>
        ))}
      </fieldset>
      <label for={id('text')}>Note</label>
      <p id={id('text-hint')} class="hint">
        About the tool, never a patient: no names, NHS numbers, dates of birth, addresses or phone numbers.
      </p>
      <textarea
        ref={textArea}
        id={id('text')}
        rows={4}
        maxLength={NOTE_LIMITS.text}
        value={text}
        aria-invalid={invalid('text') || undefined}
        aria-describedby={describedBy(id('text-hint'), 'text')}
        onInput={(event) => setText(withoutReorderControls(event.currentTarget.value))}
      />
      {conditions.length > 0 && (
        <fieldset>
          <legend>Conditions it applies to (optional)</legend>
          {conditions.map((condition) => (
            <label key={condition} class="choice">
              <input
                type="checkbox"
                checked={chosenConditions.includes(condition)}
                onChange={(event) => setChosenConditions(toggle(chosenConditions, condition, event.currentTarget.checked))}
              />
              {conditionLabel(condition)}
            </label>
          ))}
        </fieldset>
      )}
      <fieldset>
        <legend>Tags (optional)</legend>
        {SUGGESTED_TAGS.map((tag) => (
          <label key={tag} class="choice">
            <input type="checkbox" checked={chosenTags.includes(tag)} onChange={(event) => setChosenTags(toggle(chosenTags, tag, event.currentTarget.checked))} />
            {tag}
          </label>
        ))}
        <label for={id('other-tags')}>Other tags, separated by commas</label>
        <input
          ref={otherTagsInput}
          id={id('other-tags')}
          type="text"
          value={otherTags}
          aria-invalid={invalid('tags') || undefined}
          aria-describedby={invalid('tags') ? id('problems') : undefined}
          onInput={(event) => setOtherTags(withoutReorderControls(event.currentTarget.value))}
        />
      </fieldset>
      <p class="hint">{signedAs ? `Signed as ${signedAs}. ` : 'Add your name and role in Signpost settings so colleagues know who wrote it. '}Notes stay on this computer unless you share them.</p>
      <p class="actions">
        <button type="submit" disabled={saving}>
          {editing ? 'Save changes' : 'Save note'}
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}
