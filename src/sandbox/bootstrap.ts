/**
 * The main module of the sandbox process (see `sandbox_process.ts`): a small relay that runs no script
 * code. It starts the permissionless Worker from the worker module's source (embedded with the relay,
 * so nothing has to arrive first), reads odw's frames from stdin and copies each message into a
 * shared-memory ring the Worker reads. The Worker writes its own frames to stdout
 * (`runtime/frame_writer.ts`), so its messages cross the process without a hop through this thread.
 * When the Worker dies of an uncaught error the relay says so in a `sandbox.error` message; when stdin
 * closes (odw is done or gone) it exits.
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
  worker.postMessage({ toWorker: toWorkerRing, maxMessageBytes });
  const decode = parts.makeFrameDecoder(maxMessageBytes, parts.makeRings().writer(toWorkerRing), (why) => {
    worker.terminate(); // it writes to stdout too: the error goes out alone
    fail(`odw sent ${why}`);
  });
  const buffer = new Uint8Array(64 * 1024);
  const pump = (): void => {
    Deno.stdin.read(buffer).then((n) => {
      if (n === null) Deno.exit(0); // stdin closed: odw is done or gone
      decode(buffer.subarray(0, n));
      pump();
    }, () => Deno.exit(0));
  };
  pump();
}
