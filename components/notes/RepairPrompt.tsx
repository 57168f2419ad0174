// An own note that no longer passes the checks is shown, never hidden, with what to fix: the
// card, the popup and Settings all use this one wording (docs/patient-data.md).

export function RepairPrompt({ id, repair, where }: { id?: string; repair: readonly string[]; where?: string }) {
  return (
    <div id={id} class="warning repair">
      <p>
        <strong>This note needs fixing before it can be shared.</strong> It is kept on this computer and included when you download your notes. Edit it
        {where ? ` ${where}` : ''} to fix:
      </p>
      <ul>
        {repair.map((problem, index) => (
          <li key={index}>{problem}</li>
        ))}
      </ul>
    </div>
  );
}
