/**
 * The main module of the sandbox process (see `sandbox_process.ts`): a small relay that runs no script
 * code. It starts the permissionless Worker from the worker module's source (embedded with the relay,
 * so nothing has to arrive first), hands the Worker its two shared-memory rings, and from then on
 * copies frames from stdin into one ring and messages from the other ring out as frames on stdout. When the Worker dies
 * of an uncaught error it says so in a `sandbox.error` message; when stdin closes (odw is done or gone)
 * it exits.
 *
 * Self-contained: odw sends it as source text (a `data:` URL), so a bundled single-file odw works too.
 *
 * @module
 */

import type { RingEnds } from "../runtime/ring.ts";

/** What the relay is built from (the channel and framing functions, passed as source). */
export interface BootstrapParts {
  makeRings: () => RingEnds;
  encodeFrame: (text: string) => Uint8Array;
  makeFrameDecoder: (
    maxBytes: number,
    onText: (text: string) => void,
    onError: (why: string) => void,
  ) => (chunk: Uint8Array) => void;
}

/** Runs the relay. `ringBytes` is a power of two; `maxMessageBytes` caps one message either way. */
export function sandboxMain(
  parts: BootstrapParts,
  workerSource: string,
  ringBytes: number,
  maxMessageBytes: number,
): void {
  // Written synchronously: the relay has nothing else to do, and a frame goes out without a task hop.
  const send = (text: string): void => {
    const frame = parts.encodeFrame(text);
    try {
      for (let at = 0; at < frame.length;) at += Deno.stdout.writeSync(frame.subarray(at));
    } catch {
      Deno.exit(0); // odw is gone
    }
  };
  const fail = (message: string) => send(JSON.stringify({ type: "sandbox.error", message }));

  const url = URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" }));
  const worker = new Worker(url, {
    type: "module",
    name: "odw-workflow",
    deno: { permissions: "none" },
  } as WorkerOptions);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    fail(String(event.message ?? "the workflow worker failed"));
  };
  const toWorkerRing = new SharedArrayBuffer(8 + ringBytes);
  const fromWorkerRing = new SharedArrayBuffer(8 + ringBytes);
  worker.postMessage({ toWorker: toWorkerRing, fromWorker: fromWorkerRing, maxMessageBytes });
  const rings = parts.makeRings();
  const toWorker = rings.writer(toWorkerRing);
  rings.reader(fromWorkerRing, send, maxMessageBytes, (bytes) => {
    fail(`the workflow worker sent a message of ${bytes} bytes, over the limit of ${maxMessageBytes}`);
  });
  const decode = parts.makeFrameDecoder(maxMessageBytes, toWorker, (why) => fail(`odw sent ${why}`));
  (async () => {
    try {
      for await (const chunk of Deno.stdin.readable) decode(chunk);
    } finally {
      Deno.exit(0);
    }
  })();
}
