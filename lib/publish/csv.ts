// Spreadsheet rows to draft tools. Rows sharing a tool_id (in any of the CSV files) are one tool;
// a row with endorsement cells adds one endorsement. Cells are converted here and judged later by
// the feed schema itself, so a rule is never written twice. Every place is a spreadsheet row:
// the header is row 1, and a cell with line breaks in it is still one row.
import { CsvError, parse } from 'csv-parse/sync';
import { ENDORSEMENT_COLUMNS, TOOL_COLUMNS, TOOL_ID_COLUMN, type CellValue, type ColumnSpec } from './columns';

export interface NamedText {
  name: string;
  text: string;
}

export interface RowPlace {
  file: string;
  row: number;
}

export interface Cell {
  value: unknown;
  /** As typed, for messages. */
  text: string;
  at: RowPlace;
}

export interface DraftTool {
  id: string;
  at: RowPlace;
  /** By column name. */
  cells: Map<string, Cell>;
  endorsements: { at: RowPlace; cells: Map<string, Cell> }[];
}

const ENDORSEMENT_SPECS: ReadonlySet<ColumnSpec> = new Set(ENDORSEMENT_COLUMNS);
const KNOWN_COLUMNS = new Map([...TOOL_COLUMNS, ...ENDORSEMENT_COLUMNS].map((spec) => [spec.column, spec]));

export function cellPlace(at: RowPlace, column?: string): string {
  return `${at.file}:row ${at.row}${column ? `, column ${column}` : ''}`;
}

/** "Tool ID", "tool-id" and "tool_id" are one column: headers are typed by people. */
function columnName(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export function readCsvTools(files: readonly NamedText[]): { tools: DraftTool[]; errors: string[] } {
  const tools = new Map<string, DraftTool>();
  const errors: string[] = [];
  for (const file of files) readCsvFile(file, tools, errors);
  return { tools: [...tools.values()], errors };
}

function readCsvFile(file: NamedText, tools: Map<string, DraftTool>, errors: string[]): void {
  let rows: string[][];
  try {
    rows = parse(file.text, { bom: true, relax_column_count: true });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const records = typeof error.records === 'number' ? error.records : 0;
    errors.push(`${cellPlace({ file: file.name, row: records + 1 })}: not valid CSV: ${error.message}`);
    return;
  }
  const [header, ...body] = rows;
  const columns = header ? readHeader(file.name, header, errors) : undefined;
  if (!columns) return;
  body.forEach((cells, index) => readRow({ file: file.name, row: index + 2 }, cells, columns, tools, errors));
}

/** What each position holds: a known column, one kept for the publisher's own notes, or nothing named. */
type HeaderColumn = ColumnSpec | 'notes' | 'unnamed';

function readHeader(file: string, header: readonly string[], errors: string[]): HeaderColumn[] | undefined {
  const seen = new Set<string>();
  const columns = header.map((raw): HeaderColumn => {
    const name = columnName(raw);
    if (name === '') return 'unnamed';
    if (name.startsWith('#')) return 'notes';
    const spec = KNOWN_COLUMNS.get(name);
    if (!spec) {
      errors.push(`${cellPlace({ file, row: 1 })}: unknown column "${raw.trim()}"; expected ${[...KNOWN_COLUMNS.keys()].join(', ')} (start a column's name with # to keep your own notes in it)`);
      return 'notes';
    }
    if (seen.has(name)) errors.push(`${cellPlace({ file, row: 1 })}: column ${name} appears twice`);
    seen.add(name);
    return spec;
  });
  if (seen.has(TOOL_ID_COLUMN)) return columns;
  errors.push(`${cellPlace({ file, row: 1 })}: no ${TOOL_ID_COLUMN} column; the first row must name the columns, and every row needs the tool's id`);
  return undefined;
}

function readRow(at: RowPlace, raw: readonly string[], columns: readonly HeaderColumn[], tools: Map<string, DraftTool>, errors: string[]): void {
  // A line break typed inside a cell arrives as CRLF from Excel on Windows; feeds use \n.
  const values = raw.map((cell) => cell.replace(/\r\n/g, '\n').trim());
  if (values.every((value) => value === '')) return;
  const toolCells = new Map<string, Cell>();
  const endorsementCells = new Map<string, Cell>();
  values.forEach((value, index) => {
    const spec = columns[index] ?? 'unnamed';
    if (value === '' || spec === 'notes') return;
    if (spec === 'unnamed') {
      errors.push(`${cellPlace(at)}: cell ${index + 1} has a value but its column has no name in row 1`);
      return;
    }
    const converted = convert(spec, value);
    if (!converted.ok) errors.push(`${cellPlace(at, spec.column)}: ${converted.message}`);
    else (ENDORSEMENT_SPECS.has(spec) ? endorsementCells : toolCells).set(spec.column, { value: converted.value, text: value, at });
  });

  const id = toolCells.get(TOOL_ID_COLUMN)?.text;
  if (id === undefined) {
    errors.push(`${cellPlace(at, TOOL_ID_COLUMN)}: empty; every row needs the id of the tool it is about`);
    return;
  }
  const tool = tools.get(id) ?? { id, at, cells: new Map<string, Cell>(), endorsements: [] };
  tools.set(id, tool);
  for (const [column, cell] of toolCells) {
    const earlier = tool.cells.get(column);
    if (!earlier) tool.cells.set(column, cell);
    else if (JSON.stringify(earlier.value) !== JSON.stringify(cell.value)) {
      errors.push(`${cellPlace(at, column)}: "${cell.text}" differs from "${earlier.text}" given for tool "${id}" at ${cellPlace(earlier.at)}; give a tool's details once, or repeat them exactly`);
    }
  }
  if (endorsementCells.size > 0) tool.endorsements.push({ at, cells: endorsementCells });
}

function convert(spec: ColumnSpec, value: string): CellValue {
  if (!spec.list) return { ok: true, value };
  const items: unknown[] = [];
  for (const item of value.split(';').map((part) => part.trim()).filter(Boolean)) {
    const converted = spec.list(item);
    if (!converted.ok) return converted;
    items.push(converted.value);
  }
  return { ok: true, value: items };
}
