/** A physical line of a text file (1-based number), or a marker that it was too long to keep. */
export type Line = { line: number; text: string } | { line: number; tooLong: true };

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines (LF or CRLF; a missing final newline is fine). A line longer
 * than `maxBytes` is reported, not buffered, so one runaway line cannot exhaust memory.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let line = 0;
  const take = (tail: Buffer): Line => {
    line += 1;
    const tooLong = overflow || pendingBytes + tail.length > maxBytes;
    const bytes = tooLong ? null : pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    overflow = false;
    return bytes === null ? { line, tooLong: true } : { line, text: decode(bytes, line) };
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      yield take(chunk.subarray(start, end));
      start = end + 1;
    }
    if (start < chunk.length && !overflow) {
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > maxBytes) {
        overflow = true;
        pending = [];
      } else {
        pending.push(rest);
      }
    }
  }
  if (pendingBytes > 0 || overflow) yield take(Buffer.alloc(0));
}

/** UTF-8 text without the CR of a CRLF ending, nor a byte-order mark on the first line. */
function decode(bytes: Buffer, line: number): string {
  let text = bytes.toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}
