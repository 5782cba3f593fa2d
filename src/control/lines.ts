/**
 * Splits a byte stream into newline-terminated UTF-8 lines. Splitting on bytes is safe because
 * 0x0A never occurs inside a multi-byte UTF-8 sequence. A line (or an unterminated tail) longer
 * than `maxBytes` is refused instead of buffered, so a peer cannot make us hold unbounded input.
 */
export class LineSplitter {
  private readonly parts: Buffer[] = [];
  private pending = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * Calls `onLine` for each complete line in `chunk` (without `\n` or a trailing `\r`). Returns
   * false once a line exceeds maxBytes; the stream is then out of step and must not be fed again.
   */
  push(chunk: Buffer, onLine: (line: string) => void): boolean {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (this.pending + nl - start > this.maxBytes) return false;
      const piece = chunk.subarray(start, nl);
      const line = this.parts.length === 0 ? piece : Buffer.concat([...this.parts, piece]);
      this.parts.length = 0;
      this.pending = 0;
      start = nl + 1;
      const end = line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length;
      onLine(line.toString('utf8', 0, end));
    }
    if (start < chunk.length) {
      this.pending += chunk.length - start;
      if (this.pending > this.maxBytes) return false;
      this.parts.push(chunk.subarray(start));
    }
    return true;
  }
}
