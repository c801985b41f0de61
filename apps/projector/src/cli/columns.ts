export type Cell = string | number | boolean | null | undefined;
export type Align = 'left' | 'right';

export interface ColumnsOptions {
  /** Put before every line, e.g. two spaces under a heading. */
  readonly indent?: string;
  /** Per column; by default a column is right-aligned when all its cells are numbers. */
  readonly align?: readonly Align[];
}

const text = (cell: Cell): string => (cell === null || cell === undefined ? '-' : String(cell).replace(/\s*[\r\n]+\s*/g, ' '));

/**
 * A header and rows as plain aligned columns, one line each: no index column, no quotes, no
 * borders; missing cells show as `-`, line breaks inside a cell as spaces, no trailing spaces.
 */
export const formatColumns = (header: readonly string[], rows: readonly (readonly Cell[])[], options: ColumnsOptions = {}): string[] => {
  const align = header.map((_, i): Align =>
    options.align?.[i] ?? (rows.length > 0 && rows.every((r) => typeof r[i] === 'number') ? 'right' : 'left'));
  const cells = [header.map(text), ...rows.map((r) => header.map((_, i) => text(r[i])))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string =>
    `${options.indent ?? ''}${r.map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return cells.map(line);
};

/** Records as columns, headed by their keys in the order they first appear; no records, no lines. */
export const formatRecords = (records: readonly Readonly<Record<string, Cell>>[], options: ColumnsOptions = {}): string[] => {
  if (records.length === 0) return [];
  const header = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return formatColumns(header, records.map((r) => header.map((key) => r[key])), options);
};
