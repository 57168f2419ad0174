import type { ComponentChildren } from 'preact';

/** What a form control needs to be tied to its label, hint and error. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** An error in words, announced by screen readers as an error even where its colour is not seen. */
export function ErrorMessage({ id, children }: { id?: string; children: ComponentChildren }) {
  return (
    <p id={id} class="error-message">
      <span class="visually-hidden">Error: </span>
      {children}
    </p>
  );
}

/**
 * A labelled control with its hint and error, in the order they are read: label, hint, error,
 * control. The hint and the error are tied to the control, so screen readers read them with it.
 */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: ComponentChildren;
  error?: string | null;
  children: (control: FieldControlProps) => ComponentChildren;
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {error && <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined })}
    </div>
  );
}
