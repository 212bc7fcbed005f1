/**
 * The Worker's own end of its sandbox process's stdout: each message goes out as one length-prefixed
 * frame (the format of `sandbox/frames.ts`: a 4-byte big-endian length, then that much UTF-8),
 * written synchronously from the Worker's thread, with no hop through another thread.
 *
 * {@link makeFrameWriter} captures every built-in it uses when it is made (before any script code
 * runs): the typed-array constructors, `set` and the `length` getter, a TextEncoder's `encode` and
 * `encodeInto`, and the
 * write function it is given (`Deno.stdout.writeSync`, bound then; the global `Deno` is gone once the
 * script runs). It makes views only with the captured constructors and reads only own properties of
 * fresh objects, as `ring.ts` does, so a script that replaces prototypes changes nothing here.
 *
 * Self-contained: sent as source text into the Worker.
 *
 * @example
 * ```ts
 * const writeFrame = makeFrameWriter(Deno.stdout.writeSync.bind(Deno.stdout));
 * writeFrame('{"type":"ready"}');
 * ```
 * @module
 */

/** A writer of whole frames to `writeSync` (which may write part of what it is given). */
export function makeFrameWriter(writeSync: (bytes: Uint8Array) => number): (text: string) => void {
  const uncurry = <F>(fn: F) => Reflect.apply(Function.prototype.bind, Function.prototype.call, [fn]);
  const encodeInto = uncurry(TextEncoder.prototype.encodeInto) as (
    encoder: TextEncoder,
    text: string,
    into: Uint8Array,
  ) => { written: number };
  const encode = uncurry(TextEncoder.prototype.encode) as (encoder: TextEncoder, text: string) => Uint8Array;
  const set = uncurry(Object.getPrototypeOf(Uint8Array.prototype).set) as (
    target: Uint8Array,
    source: Uint8Array,
    offset: number,
  ) => void;
  const lengthOf = uncurry(
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), "length")!.get!,
  ) as (bytes: Uint8Array) => number;
  const encoder = new TextEncoder();
  const Bytes = Uint8Array;
  const Buffer = ArrayBuffer;
  /** Frames up to this size are built in one buffer, allocated once. */
  const SCRATCH_BYTES = 64 * 1024;
  const scratch = new Buffer(SCRATCH_BYTES);

  return (text: string): void => {
    let buffer: ArrayBuffer;
    let length: number;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a text that surely fits is encoded in place.
    if (4 + text.length * 3 <= SCRATCH_BYTES) {
      buffer = scratch;
      length = encodeInto(encoder, text, new Bytes(scratch, 4)).written;
    } else {
      const bytes = encode(encoder, text);
      length = lengthOf(bytes);
      buffer = new Buffer(4 + length);
      set(new Bytes(buffer), bytes, 4);
    }
    const total = 4 + length;
    const frame = new Bytes(buffer, 0, total);
    frame[0] = length >>> 24;
    frame[1] = (length >>> 16) & 255;
    frame[2] = (length >>> 8) & 255;
    frame[3] = length & 255;
    for (let at = 0; at < total;) at += writeSync(at === 0 ? frame : new Bytes(buffer, at, total - at));
  };
}
