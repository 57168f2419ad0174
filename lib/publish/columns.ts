// The spreadsheet columns of `build`, and where each lands in a feed. docs/feed-format.md explains
// them to publishers; the field paths are the feed schema's.
import { recogniseUrl } from '../lookup/recognise';
import { ENDORSEMENT_STATUSES, ISSUER_KINDS, SOURCE_TYPES } from '../feed/vocabulary';
import type { WebIdentifier } from '../feed/schema';

export type CellValue = { ok: true; value: unknown } | { ok: false; message: string };

export interface ColumnSpec {
  column: string;
  /** Dotted path inside the tool, or inside the endorsement. */
  field: string;
  /** `;`-separated cells become lists, each item converted on its own. */
  list?: (item: string) => CellValue;
  /** For closed vocabularies: named in messages, with every allowed value. */
  choice?: { noun: string; options: readonly string[] };
  /** Said when the cell is empty or wrong, beside the schema's own message. */
  hint?: string;
}

const DATE_HINT = 'write YYYY, YYYY-MM or YYYY-MM-DD';

export const TOOL_ID_COLUMN = 'tool_id';

export const TOOL_COLUMNS: readonly ColumnSpec[] = [
  { column: TOOL_ID_COLUMN, field: 'id' },
  { column: 'tool_name', field: 'name' },
  { column: 'tool_publisher', field: 'publisher' },
  { column: 'tool_description', field: 'description' },
  { column: 'apple_ids', field: 'identifiers.apple', list: storeId('apple', 'the App Store') },
  { column: 'play_ids', field: 'identifiers.googlePlay', list: storeId('google-play', 'Google Play') },
  { column: 'web', field: 'identifiers.web', list: webIdentifier },
  { column: 'conditions', field: 'conditions', list: text },
];

export const ENDORSEMENT_COLUMNS: readonly ColumnSpec[] = [
  { column: 'issuer', field: 'issuer' },
  { column: 'issuer_kind', field: 'issuerKind', choice: { noun: 'issuer kind', options: ISSUER_KINDS } },
  { column: 'status', field: 'status', choice: { noun: 'status', options: ENDORSEMENT_STATUSES } },
  { column: 'guidance_code', field: 'guidanceCode' },
  {
    column: 'decision_date',
    field: 'decisionDate',
    hint: `${DATE_HINT}, or "unknown" when the source gives no date (left empty, a missing date could go unnoticed)`,
  },
  { column: 'date_note', field: 'dateNote' },
  { column: 'review_date', field: 'reviewDate', hint: DATE_HINT },
  { column: 'source_url', field: 'sourceUrl', hint: 'give the full address of the page that says it' },
  { column: 'source_type', field: 'sourceType', choice: { noun: 'source type', options: SOURCE_TYPES } },
  { column: 'quote', field: 'quote' },
  { column: 'endorsement_conditions', field: 'conditions', list: text },
  { column: 'note', field: 'note' },
];

function text(item: string): CellValue {
  return { ok: true, value: item };
}

/** The id itself, or the store page's address: publishers often copy the link from the browser. */
function storeId(kind: 'apple' | 'google-play', store: string) {
  return (item: string): CellValue => {
    if (!/^https?:\/\//i.test(item)) return { ok: true, value: item };
    const identity = recogniseUrl(item);
    return identity?.kind === kind ? { ok: true, value: identity.id } : { ok: false, message: `"${item}" is not the address of an app's page on ${store}` };
  };
}

/** "https://www.nhs.example/apps/coach" becomes origin "https://www.nhs.example" and pathPrefix "/apps/coach". */
function webIdentifier(item: string): CellValue {
  let url: URL;
  try {
    url = new URL(item);
  } catch {
    return { ok: false, message: `"${item}" is not a full web address; write it as https://host or https://host/path` };
  }
  if (url.search || url.hash) return { ok: false, message: `"${item}" has a query or fragment (? or #); give only the address and path` };
  const identifier: WebIdentifier = { origin: url.origin === 'null' ? item : url.origin };
  if (url.pathname !== '/' && url.pathname !== '') identifier.pathPrefix = url.pathname;
  return { ok: true, value: identifier };
}
