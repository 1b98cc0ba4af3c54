/** A header row and body rows of already formatted cells. */
export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns (by index) whose cells line up on the right: the numbers. */
  rightAligned: ReadonlySet<number>;
}

/** Space-padded columns for a terminal. */
export function tableToText(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (t.rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(t.headers), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}

/** A GitHub-flavoured markdown table. */
export function tableToMarkdown(t: Table): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const rule = t.headers.map((_, i) => (t.rightAligned.has(i) ? '---:' : '---'));
  return [t.headers, rule, ...t.rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}
