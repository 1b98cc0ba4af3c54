const CR = 0x0d;

/**
 * CRLF → LF, also across chunk boundaries. csv-parse miscounts lines when a quoted field holds a
 * CRLF; with LF only its line numbers are exact, and the rejected-lines report depends on them.
 */
export async function* crlfToLf(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let heldCr = false;
  for await (const chunk of chunks) {
    let text = (heldCr ? '\r' : '') + chunk.toString('latin1'); // latin1: one char per byte, lossless
    heldCr = chunk.length > 0 && chunk[chunk.length - 1] === CR;
    if (heldCr) text = text.slice(0, -1);
    yield Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1');
  }
  if (heldCr) yield Buffer.from('\r', 'latin1');
}
