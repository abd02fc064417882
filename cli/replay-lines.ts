/**
 * The lines of a replay file, read as a stream: the file is never held whole, and no line costs
 * more than MAX_LINE_BYTES of memory however long it is. Lines are split on bytes (\n, an
 * optional \r before it dropped) and decoded as strict UTF-8, so invalid bytes are reported
 * instead of being silently replaced by U+FFFD, as a text stream (or readline) would do.
 */
import { createReadStream } from 'node:fs';

/**
 * EventBridge's limit for one PutEvents entry is 256 KB ("The maximum size for a PutEvents event
 * entry is 256 KB", PutEvents API reference:
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html); a recorded
 * envelope longer than that could never have been delivered.
 */
export const MAX_LINE_BYTES = 256 * 1024;

/** One non-blank line: its text, or why it cannot be read (with the start of it, for the rejected store). */
export type SourceLine =
  | { readonly line: number; readonly text: string; readonly bytesRead: number }
  | { readonly line: number; readonly problem: string; readonly sample: string; readonly bytesRead: number };

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one line's bytes; blank lines give undefined. */
function toLine(line: number, bytes: Buffer, bytesRead: number, tooLong: boolean): SourceLine | undefined {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
  const body = bytes.subarray(0, end);
  if (tooLong) {
    return { line, bytesRead, problem: `line longer than ${MAX_LINE_BYTES} bytes (the PutEvents entry limit)`, sample: body.subarray(0, 200).toString('utf8') };
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { line, bytesRead, problem: 'not valid UTF-8', sample: body.subarray(0, 200).toString('utf8') };
  }
  const trimmed = text.trim();
  return trimmed.length === 0 ? undefined : { line, bytesRead, text: trimmed };
}

/** The lines of a byte stream, numbered from 1 (blank lines are skipped but counted in the numbering). */
export async function* linesOf(chunks: AsyncIterable<Buffer>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<SourceLine> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  let line = 0;
  let bytesRead = 0;
  const take = (piece: Buffer): void => {
    if (tooLong) return;
    if (partBytes + piece.length > maxLineBytes) {
      // Keep only what a sample needs; the rest of the line is skipped as it streams by.
      parts.push(piece.subarray(0, Math.max(0, 200 - partBytes)));
      tooLong = true;
      return;
    }
    parts.push(piece);
    partBytes += piece.length;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      take(chunk.subarray(start, nl));
      bytesRead += nl + 1 - start;
      line++;
      const out = toLine(line, parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), bytesRead, tooLong);
      parts = [];
      partBytes = 0;
      tooLong = false;
      if (out) yield out;
      start = nl + 1;
    }
    if (start < chunk.length) {
      // A copy: the stream may reuse its buffer for the next chunk.
      take(Buffer.from(chunk.subarray(start)));
      bytesRead += chunk.length - start;
    }
  }
  if (parts.length > 0 || tooLong) {
    const out = toLine(line + 1, Buffer.concat(parts), bytesRead, tooLong);
    if (out) yield out;
  }
}

/** The lines of a file, streamed. */
export function fileLines(path: string): AsyncGenerator<SourceLine> {
  return linesOf(createReadStream(path, { highWaterMark: 256 * 1024 }));
}

/** The lines of a text held in memory (tests, small inputs). */
export function textLines(text: string): AsyncGenerator<SourceLine> {
  return linesOf((async function* () {
    yield Buffer.from(text, 'utf8');
  })());
}
