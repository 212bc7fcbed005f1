/**
 * Length-prefixed frames on the pipe between odw and its sandbox process: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON. The decoder refuses a frame longer than its cap before buffering
 * it, so a flood cannot grow the reader's memory past one frame; what it keeps of a frame is what has
 * arrived of it.
 *
 * Self-contained: the sandbox process receives these functions as source text.
 *
 * @example
 * ```ts
 * const decode = makeFrameDecoder(1024, (text) => console.log(text), (why) => console.error(why));
 * decode(encodeFrame('{"type":"ready"}'));
 * ```
 * @module
 */

/** One message as a frame. */
export function encodeFrame(text: string): Uint8Array {
  const encoder = new TextEncoder();
  // Encoded in place when the worst case is small (one allocation); a long text is measured first.
  const frame = text.length <= 16 * 1024
    ? new Uint8Array(4 + text.length * 3)
    : new Uint8Array(4 + encoder.encode(text).length);
  const written = encoder.encodeInto(text, frame.subarray(4)).written;
  new DataView(frame.buffer).setUint32(0, written);
  return frame.subarray(0, 4 + written);
}

/**
 * A decoder fed with the pipe's chunks: calls `onText` per complete frame, or `onError` once (and then
 * nothing more) when a frame announces more than `maxBytes` or is not UTF-8. It keeps no reference to
 * a chunk once it returns (what it needs of a partial frame is copied), so the caller may reuse it.
 */
export function makeFrameDecoder(
  maxBytes: number,
  onText: (text: string) => void,
  onError: (why: string) => void,
): (chunk: Uint8Array) => void {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const header = new Uint8Array(4);
  let headerBytes = 0;
  /** The length of the frame being read (-1: reading a header), and the copies of its parts so far. */
  let need = -1;
  let parts: Uint8Array[] = [];
  let got = 0;
  let failed = false;
  const fail = (why: string): void => {
    failed = true;
    parts = [];
    onError(why);
  };
  /** Delivers one frame's bytes; false once the stream is broken. */
  const deliver = (bytes: Uint8Array): boolean => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      fail("a message is not valid UTF-8");
      return false;
    }
    onText(text);
    return true;
  };
  /** The parts of a frame as one array. */
  const join = (): Uint8Array => {
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(got);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };
  return (chunk: Uint8Array): void => {
    let at = 0;
    while (!failed && at < chunk.length) {
      if (need < 0) {
        header[headerBytes++] = chunk[at++];
        if (headerBytes < 4) continue;
        headerBytes = 0;
        need = ((header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3]) >>> 0;
        if (need > maxBytes) return fail(`a message of ${need} bytes, over the limit of ${maxBytes}`);
        got = 0;
      }
      const use = Math.min(need - got, chunk.length - at);
      if (got === 0 && use === need) {
        // The whole frame is in this chunk: decoded where it lies.
        need = -1;
        if (!deliver(chunk.subarray(at, at + use))) return;
        at += use;
        continue;
      }
      parts.push(chunk.slice(at, at + use));
      got += use;
      at += use;
      if (got < need) continue;
      const body = join();
      parts = [];
      need = -1;
      if (!deliver(body)) return;
    }
  };
}
