export interface Row {
  figure: string;
  value: string;
  goal?: string;
  /** "met …" or "MISSED …", with the margin either way. */
  verdict?: string;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : 'n/a');
export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
export const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(0)} MB`;

/** An upper-bound goal: how far under it the value is, or by how much (and how many times) it is over. */
export function atMost(value: number, limit: number, format: (value: number) => string): string {
  if (!Number.isFinite(value)) return 'not measured';
  if (value <= limit) return `met (${format(limit - value)} under)`;
  const times = limit > 0 ? ` = ${(value / limit).toFixed(1)}× the goal` : '';
  return `MISSED by ${format(value - limit)}${times}`;
}

export function printTable(rows: readonly Row[], notes: readonly string[]): void {
  const headers = { figure: 'Figure', value: 'Value', goal: 'Goal', verdict: 'Met?' };
  const columns = ['figure', 'value', 'goal', 'verdict'] as const;
  const widths = columns.map((column) => Math.max(headers[column].length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ').trimEnd();
  console.log(line(columns.map((column) => headers[column])));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const row of rows) console.log(line(columns.map((column) => row[column] ?? '')));
  console.log('');
  for (const note of notes) console.log(`Note: ${note}`);
}
