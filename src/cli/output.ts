// How the CLI prints what it read: `--json` prints the records as they are (one JSON document);
// otherwise a table of chosen columns for a list, and `field  value` lines for one record.

type JsonRecord = Record<string, unknown>;

/** One cell: dates as ISO instants, lists comma-separated, nothing as "-". */
function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cell).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Columns padded to their widest cell; a header of the column names. */
export function table(rows: readonly JsonRecord[], columns: readonly string[], emptyLine: string): string {
  if (rows.length === 0) return emptyLine;
  const cells = [columns.map((column) => column.toUpperCase()), ...rows.map((row) => columns.map((column) => cell(row[column]).replaceAll('\n', ' ')))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)));
  return cells.map((line) => line.map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index]!))).join('  ')).join('\n');
}

/**
 * One record: a `field  value` line per scalar field; each list of records (a delivery's attempts)
 * as a table under its name.
 */
export function details(record: JsonRecord, nested: Record<string, readonly string[]> = {}): string {
  const scalars = Object.entries(record).filter(([key]) => !(key in nested));
  const width = Math.max(...scalars.map(([key]) => key.length));
  const lines = scalars.map(([key, value]) => `${key.padEnd(width)}  ${key === 'payload' ? JSON.stringify(value) : cell(value)}`);
  for (const [key, columns] of Object.entries(nested)) {
    const rows = (record[key] as JsonRecord[] | undefined) ?? [];
    lines.push('', `${key}:`, table(rows.map(flatten), columns, `  (no ${key})`));
  }
  return lines.join('\n');
}

/** An attempt's `error: { kind, message }` as two columns. */
function flatten(row: JsonRecord): JsonRecord {
  const error = row.error as { kind: string; message: string } | null | undefined;
  return error === undefined ? row : { ...row, errorKind: error?.kind ?? null, errorMessage: error?.message ?? null };
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
