import { z } from '../zod';
import type { SignpostDatabase } from '../storage/db';

// Tools whose card the clinician chose to stop seeing, remembered by product key.

const DISMISSED_KEY = 'dismissed-cards';
const MAX_DISMISSED = 5000;
const dismissedSchema = z.array(z.string().max(300)).max(MAX_DISMISSED);

export async function loadDismissed(db: SignpostDatabase): Promise<Set<string>> {
  const parsed = dismissedSchema.safeParse((await db.settings.get(DISMISSED_KEY))?.value ?? []);
  return new Set(parsed.success ? parsed.data : []);
}

export async function addDismissed(db: SignpostDatabase, keys: readonly string[]): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const merged = [...new Set([...keys, ...(await loadDismissed(db))])].slice(0, MAX_DISMISSED);
    await db.settings.put({ key: DISMISSED_KEY, value: merged });
  });
}
