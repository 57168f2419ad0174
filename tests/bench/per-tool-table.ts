// The way schema v1–v4 stored tools, kept only as the benchmarks' "before": one row per tool in a
// table with three multi-entry indexes. Schema v5 stores chunks and one index row per feed instead
// (lib/storage/tool-store.ts); the benchmarks time both on the same feed in the same run.
import Dexie, { type Table } from 'dexie';
import type { ToolRecord } from '@/lib/registry/types';
import { endorsedConditions } from '@/lib/registry/verdict';
import { toolSearchWords } from '@/lib/search/search';

export const PER_TOOL_SCHEMA = 'id, feedUrl, *keys, *endorsedFor, *words';

export type PerToolRow = ToolRecord & { endorsedFor: string[]; words: string[] };

export function perToolRow(record: ToolRecord): PerToolRow {
  return { ...record, endorsedFor: [...endorsedConditions(record.tool.endorsements, record.tool.conditions)], words: toolSearchWords(record.tool) };
}

/** The schema as IndexedDB index definitions, for raw IndexedDB in the browser. */
export function perToolIndexes(): { keyPath: string; indexes: { name: string; multiEntry: boolean }[] } {
  const [primary, ...rest] = PER_TOOL_SCHEMA.split(',').map((part) => part.trim());
  return { keyPath: primary!, indexes: rest.map((part) => ({ name: part.replace(/^\*/, ''), multiEntry: part.startsWith('*') })) };
}

/** A scratch Dexie database with only the per-tool table. */
export function perToolDatabase(name: string): Dexie & { tools: Table<PerToolRow, string> } {
  const db = new Dexie(name) as Dexie & { tools: Table<PerToolRow, string> };
  db.version(1).stores({ tools: PER_TOOL_SCHEMA });
  return db;
}
