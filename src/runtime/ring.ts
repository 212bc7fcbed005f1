/**
 * The private channel from the sandbox process into its Worker: a ring of bytes over a
 * SharedArrayBuffer, woken with `Atomics.waitAsync` / `Atomics.notify`. No event, listener, port or
 * global is involved, so nothing a workflow script can reach sees or feeds it. (The Worker's own
 * messages go out as frames on stdout: `frame_writer.ts`.)
 *
 * Layout of a ring's buffer: `Int32[0]` counts the bytes written, `Int32[1]` the bytes read (both
 * modulo 2^32); from byte 8 on, the ring itself (a power of two of bytes). A message is a 4-byte
 * big-endian length and that many bytes of UTF-8; one longer than the ring goes through in turns.
 *
 * {@link makeRings} captures every built-in the ends use (call it before any script code runs): the
 * typed-array constructors and `set`, a TextEncoder's `encodeInto` and a TextDecoder's `decode`
 * (Deno builds those on its own captured primordials), the Atomics functions and
 * `Promise.prototype.then`. Afterwards they make views only with the captured constructors (never
 * `subarray`/`slice`, whose species lookup a script could redirect) and read only integer-indexed
 * elements and own properties of fresh objects, so a script that replaces `Array.prototype`,
 * `%TypedArray%.prototype`, `Object.prototype` or `Promise.prototype.then` changes nothing here. (A
 * script that breaks `Promise.prototype.constructor` can stall its own run, never read or forge a
 * message.)
 *
 * Self-contained: `makeRings` is sent as source text into the Worker and the sandbox process.
 *
 * @module
 */

/** The two ends of a ring, made with built-ins captured when {@link makeRings} ran. */
export interface RingEnds {
  /**
   * The writing end: the returned `write(text)` queues one message and keeps the order. It never
   * blocks, unless `blocking` is set: then, with the ring full, it waits (`Atomics.wait`) for the
   * reader instead of queueing, for a thread that does nothing but feed the ring.
   */
  writer(buffer: SharedArrayBuffer, blocking?: boolean): (text: string) => void;
  /**
   * The reading end: calls `onText` with each message, in order, from a task of its own. A message
   * announcing more than `maxBytes` is not read: `onTooLong` is told its size and the reader stops.
   */
  reader(
    buffer: SharedArrayBuffer,
    onText: (text: string) => void,
    maxBytes: number,
    onTooLong: (bytes: number) => void,
  ): void;
}

/** Captures what the rings use; call before any script code runs. */
export function makeRings(): RingEnds {
  const load = Atomics.load;
  const store = Atomics.store;
  const notify = Atomics.notify;
  const waitAsync = Atomics.waitAsync;
  const waitSync = Atomics.wait;
  const uncurry = <F>(fn: F) => Reflect.apply(Function.prototype.bind, Function.prototype.call, [fn]);
  const then = uncurry(Promise.prototype.then) as (p: Promise<unknown>, f: () => void) => unknown;
  const set = uncurry(Object.getPrototypeOf(Uint8Array.prototype).set) as (
    target: Uint8Array,
    source: Uint8Array,
    offset: number,
  ) => void;
  const encodeInto = uncurry(TextEncoder.prototype.encodeInto) as (
    encoder: TextEncoder,
    text: string,
    into: Uint8Array,
  ) => { written: number };
  const decode = uncurry(TextDecoder.prototype.decode) as (decoder: TextDecoder, bytes: Uint8Array) => string;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const Bytes = Uint8Array;
  const Buffer = ArrayBuffer;
  const Int32 = Int32Array;
  const NullObject = <T>() => ({ __proto__: null }) as unknown as Record<number, T>;
  /** Messages up to this size pass through one buffer per end, allocated once, instead of their own. */
  const SCRATCH_BYTES = 64 * 1024;

  const writer = (buffer: SharedArrayBuffer, blocking = false): (text: string) => void => {
    const head = new Int32(buffer, 0, 2);
    const ring = new Bytes(buffer, 8);
    const size = buffer.byteLength - 8;
    const mask = size - 1;
    const queue = NullObject<string>();
    let first = 0;
    let next = 0;
    let current: ArrayBuffer | null = null;
    let total = 0;
    let offset = 0;
    let waiting = false;
    const scratch = new Buffer(SCRATCH_BYTES);

    /** The next queued message, encoded (with its length) into the scratch buffer or one of its own. */
    const take = (): void => {
      const text = queue[first];
      delete queue[first];
      first++;
      try {
        const need = text.length * 3 + 4;
        current = need <= SCRATCH_BYTES ? scratch : new Buffer(need);
      } catch {
        return; // no memory for it: the message is dropped, the ones after it still go
      }
      const written = encodeInto(encoder, text, new Bytes(current, 4)).written;
      const header = new Bytes(current, 0, 4);
      header[0] = written >>> 24;
      header[1] = (written >>> 16) & 0xff;
      header[2] = (written >>> 8) & 0xff;
      header[3] = written & 0xff;
      total = written + 4;
      offset = 0;
    };
    const pump = (): void => {
      for (;;) {
        let written = load(head, 0);
        const read = load(head, 1);
        let free = size - ((written - read) | 0);
        while (free > 0) {
          if (current === null) {
            if (first === next) break;
            take();
            if (current === null) continue;
          }
          const at = written & mask;
          let count = total - offset;
          if (count > free) count = free;
          if (count > size - at) count = size - at;
          set(ring, new Bytes(current as ArrayBuffer, offset, count), at);
          written = (written + count) | 0;
          offset += count;
          free -= count;
          if (offset === total) current = null;
        }
        store(head, 0, written);
        notify(head, 0);
        if (current === null && first === next) {
          waiting = false;
          return;
        }
        // The ring is full: wait until the reader moves on (at once if it already did).
        if (blocking) {
          waitSync(head, 1, read);
          continue;
        }
        const wait = waitAsync(head, 1, read);
        if (wait.async) {
          waiting = true;
          then(wait.value, pump);
          return;
        }
      }
    };
    return (text: string): void => {
      queue[next++] = text;
      if (!waiting) pump();
    };
  };

  const reader = (
    buffer: SharedArrayBuffer,
    onText: (text: string) => void,
    maxBytes: number,
    onTooLong: (bytes: number) => void,
  ): void => {
    const head = new Int32(buffer, 0, 2);
    const ring = new Bytes(buffer, 8);
    const size = buffer.byteLength - 8;
    const mask = size - 1;
    const done = NullObject<string>();
    let read = load(head, 1);
    let headerBytes = 0;
    let length = 0;
    let message: Uint8Array | null = null;
    let got = 0;
    const scratch = new Buffer(SCRATCH_BYTES);

    const drain = (): void => {
      for (;;) {
        const written = load(head, 0);
        let count = 0;
        while (read !== written) {
          if (message === null) {
            length = length * 256 + ring[read & mask];
            read = (read + 1) | 0;
            if (++headerBytes < 4) continue;
            if (length > maxBytes) {
              store(head, 1, read);
              onTooLong(length);
              return;
            }
            message = length <= SCRATCH_BYTES ? new Bytes(scratch, 0, length) : new Bytes(length);
            got = 0;
          }
          const at = read & mask;
          let chunk = length - got;
          const available = (written - read) | 0;
          if (chunk > available) chunk = available;
          if (chunk > size - at) chunk = size - at;
          if (chunk > 0) set(message, new Bytes(buffer, 8 + at, chunk), got);
          got += chunk;
          read = (read + chunk) | 0;
          if (got === length) {
            done[count++] = decode(decoder, message);
            message = null;
            headerBytes = 0;
            length = 0;
          }
        }
        store(head, 1, read);
        notify(head, 1);
        for (let i = 0; i < count; i++) {
          const text = done[i];
          delete done[i];
          try {
            onText(text);
          } catch { /* the receiver's own failure; the channel goes on */ }
        }
        const wait = waitAsync(head, 0, written);
        if (wait.async) {
          then(wait.value, drain);
          return;
        }
      }
    };
    drain();
  };
  return { writer, reader };
}
