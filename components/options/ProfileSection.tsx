import { useId, useRef, useState } from 'preact/hooks';
import { conditionLabel, isKnownCondition } from '@/lib/feed/conditions';
import { ROLES, ROLE_LABELS } from '@/lib/notes/vocabulary';
import { profileSchema, type Profile } from '@/lib/settings/profile';
import { CONDITION_GROUPS } from './condition-groups';
import { Field } from './Field';

type TextKey = 'displayName' | 'organisation' | 'championEmail';

const TEXT_FIELDS: Record<TextKey, { label: string; hint: string; type: 'text' | 'email'; autoComplete: string; maxLength: number; problem: string }> = {
  displayName: {
    label: 'Your name',
    hint: 'As colleagues know you.',
    type: 'text',
    autoComplete: 'name',
    maxLength: 100,
    problem: 'Your name must be 100 characters or fewer.',
  },
  organisation: {
    label: 'Organisation',
    hint: 'For example, your practice, PCN or trust.',
    type: 'text',
    autoComplete: 'organization',
    maxLength: 200,
    problem: 'The organisation must be 200 characters or fewer.',
  },
  championEmail: {
    label: "Your digital champion's email",
    hint: 'The colleague who looks after digital tools in your practice. When a tool is not in your registry, Signpost offers to suggest it to them.',
    type: 'email',
    autoComplete: 'off',
    maxLength: 254,
    problem: 'Enter an email address in the right format, like name@example.nhs.uk.',
  },
};

/** A note older than this is marked as old: practice and apps change. */
const OLD_NOTE_MONTH_CHOICES = [3, 6, 12, 18, 24, 36];

export function ProfileSection({ initial, onSave, championEmailLocked = false }: { initial: Profile; onSave: (profile: Profile) => Promise<void>; championEmailLocked?: boolean }) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<TextKey, string>>>({});
  const [status, setStatus] = useState('');
  const fieldRefs = useRef<Partial<Record<TextKey, HTMLInputElement | null>>>({});
  const id = useId();

  const update = (change: Partial<Profile>) => setValues((before) => ({ ...before, ...change }));
  const toggleCondition = (condition: string, on: boolean) =>
    update({ myConditions: on ? [...values.myConditions, condition] : values.myConditions.filter((other) => other !== condition) });

  const save = async () => {
    const parsed = profileSchema.safeParse(values);
    if (!parsed.success) {
      const issueOf = (key: TextKey) => parsed.error.issues.find((issue) => issue.path[0] === key);
      const invalid = (Object.keys(TEXT_FIELDS) as TextKey[]).filter((key) => issueOf(key));
      // Patient data is named with where it is; other problems get the field's own sentence.
      const message = (key: TextKey) => {
        const issue = issueOf(key)!;
        return issue.code === 'custom' ? `${issue.message} Your name and organisation sign your notes, and notes never hold patient data: remove it.` : TEXT_FIELDS[key].problem;
      };
      setErrors(Object.fromEntries(invalid.map((key) => [key, message(key)])));
      setStatus('');
      const [first] = invalid;
      if (first) fieldRefs.current[first]?.focus();
      return;
    }
    setErrors({});
    try {
      await onSave(parsed.data);
      setValues(parsed.data);
      // Hidden characters pasted with the text (from an email, say) were taken out: say so.
      const cleaned = (['displayName', 'organisation'] as const).some((key) => parsed.data[key] !== values[key].trim());
      setStatus(`Your profile has been saved.${cleaned ? ' Hidden characters pasted with your name or organisation were removed.' : ''}`);
    } catch {
      setStatus('Your profile could not be saved on this computer. Try again.');
    }
  };

  const textField = (key: TextKey) => {
    const field = TEXT_FIELDS[key];
    const locked = key === 'championEmail' && championEmailLocked;
    return (
      <Field id={`${id}-${key}`} label={field.label} hint={locked ? `${field.hint} Set by your organisation.` : field.hint} error={errors[key]}>
        {(control) => (
          <input
            {...control}
            ref={(element) => {
              fieldRefs.current[key] = element;
            }}
            type={field.type}
            // Preact's types accept a type that is "text" or "email" only together with a list.
            list={undefined}
            class="text-input"
            autoComplete={field.autoComplete}
            spellcheck={false}
            maxLength={field.maxLength}
            readOnly={locked}
            value={values[key]}
            onInput={(event) => update({ [key]: event.currentTarget.value })}
          />
        )}
      </Field>
    );
  };

  // Conditions from a newer vocabulary (or an imported file) are kept and shown as written.
  const unlisted = values.myConditions.filter((condition) => !isKnownCondition(condition));
  const groups = [...CONDITION_GROUPS, ...(unlisted.length ? [{ title: 'Other conditions', ids: unlisted }] : [])];
  return (
    <section id="profile" aria-labelledby="profile-heading" class="panel">
      <h2 id="profile-heading">Your profile</h2>
      <p>Your profile stays on this computer. Signpost uses it to put tools for your conditions first and to address suggestions.</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {textField('displayName')}
        <div class="field">
          <label for={`${id}-role`}>Your role</label>
          <select id={`${id}-role`} class="select" value={values.role ?? ''} onChange={(event) => update({ role: ROLES.find((role) => role === event.currentTarget.value) })}>
            <option value="">Not given</option>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
        </div>
        {textField('organisation')}
        {textField('championEmail')}
        <fieldset class="conditions" aria-describedby={`${id}-conditions-hint`}>
          <legend>My conditions</legend>
          <p id={`${id}-conditions-hint`} class="hint">
            The conditions you see most. Tools for them are listed first. Choose as many as you like.
          </p>
          {groups.map((group) => (
            <fieldset key={group.title} class="condition-group">
              <legend>{group.title}</legend>
              {group.ids.map((condition) => (
                <label key={condition} class="checkbox">
                  <input type="checkbox" checked={values.myConditions.includes(condition)} onChange={(event) => toggleCondition(condition, event.currentTarget.checked)} />
                  {conditionLabel(condition)}
                </label>
              ))}
            </fieldset>
          ))}
        </fieldset>
        <div class="field">
          <label for={`${id}-old-notes`}>Mark peer notes as old after</label>
          <select id={`${id}-old-notes`} class="select" value={String(values.oldNoteMonths)} onChange={(event) => update({ oldNoteMonths: Number(event.currentTarget.value) })}>
            {[...new Set([...OLD_NOTE_MONTH_CHOICES, values.oldNoteMonths])].sort((a, b) => a - b).map((months) => (
              <option key={months} value={String(months)}>
                {months} months
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button">
          Save profile
        </button>
      </form>
      <p role="status" class="status">
        {status}
      </p>
    </section>
  );
}
