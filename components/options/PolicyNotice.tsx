import { count } from '@/lib/publish/report';
import type { PolicyState } from '@/lib/settings/policy';

// What the organisation's policy sets, said once at the top of the settings page, and a policy
// that could not be used, said plainly (Signpost keeps the last valid one).

export function PolicyNotice({ state }: { state: PolicyState }) {
  const { policy, status } = state;
  const managed = [
    policy.feeds.length ? count(policy.feeds.length, 'feed') : '',
    policy.locked.includes('feeds') ? 'which feeds you use' : '',
    policy.championEmail ? "your digital champion's email" : '',
    policy.linkBadges !== undefined ? 'link badges' : '',
  ].filter(Boolean);
  if (managed.length === 0 && status?.ok !== false) return null;
  return (
    <div class="panel policy" role="note" aria-label="Managed by your organisation">
      {managed.length > 0 && <p>Your organisation manages part of Signpost on this computer: {managed.join(', ')}. Those settings are marked below.</p>}
      {status?.ok === false && (
        <div class="problem">
          <p>
            <strong>Your organisation's policy for Signpost has a problem, so Signpost is still using the last valid one.</strong> Tell your IT team:
          </p>
          <ul>
            {status.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
