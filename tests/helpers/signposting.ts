import { vi } from 'vitest';
import { signpostingActions } from '@/lib/monitoring/actions';
import { dexieSearchSource, matchForRecord } from '@/lib/search/registry-search';
import type { SignpostDatabase } from '@/lib/storage/db';

/** The signposting record as the background keeps it, on a test database, at a fixed time. */
export function testSignposting(db: SignpostDatabase, now: number) {
  const source = dexieSearchSource(db);
  return signpostingActions({
    db,
    matchFor: (recordId, context) => matchForRecord(source, recordId, context),
    now: () => now,
    myConditions: async () => [],
    authorName: async () => '',
    showFollowUps: vi.fn(),
  });
}
