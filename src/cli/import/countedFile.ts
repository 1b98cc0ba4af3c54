import { createReadStream } from 'node:fs';

/** Large reads: fewer syscalls and generator steps per megabyte. */
const CHUNK_BYTES = 256 * 1024;

export interface CountedFile {
  chunks: AsyncIterable<Buffer>;
  /** Bytes read from disk so far (for the progress ETA). */
  bytesRead(): number;
}

/** Streams a file in chunks, never whole, counting the bytes read. */
export function readCounted(path: string): CountedFile {
  let bytes = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  return { chunks: chunks(), bytesRead: () => bytes };
}
