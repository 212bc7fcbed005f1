/**
 * Length-prefixed frames on the pipe between odw and its sandbox process: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON. The decoder refuses a frame longer than its cap before buffering
 * it, so a flood cannot grow the reader's memory past one frame.
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
  const body = new TextEncoder().encode(text);
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, 4);
  return frame;
}

/**
 * A decoder fed with the pipe's chunks: calls `onText` per complete frame, or `onError` once (and then
 * nothing more) when a frame announces more than `maxBytes` or is not UTF-8.
 */
export function makeFrameDecoder(
  maxBytes: number,
  onText: (text: string) => void,
  onError: (why: string) => void,
): (chunk: Uint8Array) => void {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let failed = false;
  const take = (count: number): Uint8Array => {
    const out = new Uint8Array(count);
    let at = 0;
    while (at < count) {
      const head = pending[0];
      const use = Math.min(head.length, count - at);
      out.set(head.subarray(0, use), at);
      at += use;
      if (use === head.length) pending.shift();
      else pending[0] = head.subarray(use);
    }
    pendingBytes -= count;
    return out;
  };
  let need = -1;
  return (chunk: Uint8Array): void => {
    if (failed) return;
    pending.push(chunk);
    pendingBytes += chunk.length;
    for (;;) {
      if (need < 0) {
        if (pendingBytes < 4) return;
        need = new DataView(take(4).buffer).getUint32(0);
        if (need > maxBytes) {
          failed = true;
          pending = [];
          onError(`a message of ${need} bytes exceeds the limit of ${maxBytes} bytes`);
          return;
        }
      }
      if (pendingBytes < need) return;
      const body = take(need);
      need = -1;
      let text: string;
      try {
        text = decoder.decode(body);
      } catch {
        failed = true;
        pending = [];
        onError("a message is not valid UTF-8");
        return;
      }
      onText(text);
    }
  };
}
