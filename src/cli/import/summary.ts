import { formatCount } from './progress';
import type { ImportTally } from './tally';

/** The report printed on stdout when the import ends (or stops). */
/** The summary's words for the two kinds of import. */
const LABELS = {
  events: {
    stored: 'stored',
    replayed: 'replayed',
    replayedNote: '  (already applied: same idempotency_key)',
    what: '',
    again: 'lines already applied are replayed, not counted again, when they have idempotency keys',
  },
  contacts: {
    stored: 'created',
    replayed: 'updated',
    replayedNote: '  (a contact with this e-mail existed)',
    what: ', contacts',
    again: 'contacts already imported are updated to the same values',
  },
} as const;

export function formatSummary(
  tally: ImportTally,
  details: { file: string; format: string; seconds: number; complete: boolean; kind?: keyof typeof LABELS },
): string {
  const labels = LABELS[details.kind ?? 'events'];
  const rate = details.seconds > 0 ? Math.round(tally.handled / details.seconds) : tally.handled;
  const width = formatCount(Math.max(tally.linesRead, 1)).length;
  const row = (label: string, n: number, note = '') => `  ${label.padEnd(11)}${formatCount(n).padStart(width)}${note}\n`;
  let text =
    `${details.complete ? 'Imported' : 'Stopped importing'} ${details.file} (${details.format}${labels.what}) ` +
    `in ${details.seconds.toFixed(1)} s, ${formatCount(rate)} lines/s:\n` +
    row('lines read', tally.linesRead) +
    row(labels.stored, tally.stored) +
    row(labels.replayed, tally.replayed, labels.replayedNote) +
    row('rejected', tally.rejected);
  if (tally.rejected > 0) {
    text += 'Rejected lines:\n';
    for (const { line, reason } of tally.listed) text += `  line ${line}: ${reason}\n`;
    const unlisted = tally.rejected - tally.listed.length;
    if (unlisted > 0) text += `  … and ${formatCount(unlisted)} more rejected lines (only the first ${tally.listed.length} are listed)\n`;
  }
  if (!details.complete) {
    text += `The import was stopped before the end of the file; run it again to go on (${labels.again}).\n`;
  } else if (tally.rejected > 0) {
    text += `The import ran to the end: ${formatCount(tally.rejected)} of ${formatCount(tally.linesRead)} lines were rejected (listed above), the others were applied.\n`;
  } else {
    text += 'The import ran to the end: every line was applied.\n';
  }
  return text;
}
