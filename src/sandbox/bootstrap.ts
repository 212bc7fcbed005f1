/**
 * The main module of the sandbox process (see `sandbox_process.ts`): a small relay that runs no script
 * code. It starts the permissionless Worker from the worker module's source (embedded with the relay,
 * so nothing has to arrive first) and a second thread of its own (the stdin pump, also permissionless
 * and running no script code) that copies frames from stdin into a shared-memory ring the Worker
 * reads, blocking in read(2) and `Atomics.wait`. The Worker writes its frames to stdout itself
 * (`runtime/frame_writer.ts`), so a message crosses the process without a hop through another thread.
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
  stdinPump: typeof stdinPump;
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
  // stdin is read by a thread of its own, blocked in read(2), that writes straight into the Worker's
  // ring: a message from odw reaches the Worker without a hop through this thread's event loop. The
  // Worker writes its messages to stdout itself. It gets its ring (and so says `ready`) once the pump
  // runs: the pump's memory must be in the process before odw, seeing `ready`, measures it for the
  // data cap.
  const pumpSource =
    `(${parts.stdinPump.toString()})(${parts.makeRings.toString()}, ${parts.makeFrameDecoder.toString()});`;
  const pump = new Worker(URL.createObjectURL(new Blob([pumpSource], { type: "text/javascript" })), {
    type: "module",
    name: "odw-stdin",
    deno: { permissions: "none" },
  } as WorkerOptions);
  pump.onmessage = (event: MessageEvent) => {
    if (event.data === true) worker.postMessage({ toWorker: toWorkerRing, maxMessageBytes });
    else if (typeof event.data === "string") {
      worker.terminate(); // it writes to stdout too: the error goes out alone
      fail(event.data);
    } else Deno.exit(0); // stdin closed: odw is done or gone
  };
  pump.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    Deno.exit(0);
  };
  pump.postMessage({ ring: toWorkerRing, maxMessageBytes });
}

/**
 * The stdin thread of the sandbox process: frames from odw into the Worker's ring, blocking on both
 * (the pipe and a full ring). Posts `true` to the relay once it runs, a problem's text, or `null` once
 * stdin is closed.
 */
export function stdinPump(
  makeRings: BootstrapParts["makeRings"],
  makeFrameDecoder: BootstrapParts["makeFrameDecoder"],
): void {
  const scope = globalThis as unknown as {
    onmessage: ((event: MessageEvent) => void) | null;
    postMessage(message: string | boolean | null): void;
  };
  scope.onmessage = (event: MessageEvent) => {
    scope.onmessage = null;
    const { ring, maxMessageBytes } = event.data as { ring: SharedArrayBuffer; maxMessageBytes: number };
    const write = makeRings().writer(ring, true);
    let failed = false;
    const decode = makeFrameDecoder(maxMessageBytes, write, (why) => {
      failed = true;
      scope.postMessage(`odw sent ${why}`);
    });
    const buffer = new Uint8Array(64 * 1024);
    scope.postMessage(true);
    for (;;) {
      let n: number | null;
      try {
        n = Deno.stdin.readSync(buffer);
      } catch {
        n = null;
      }
      if (n === null) break;
      if (!failed) decode(buffer.subarray(0, n));
    }
    scope.postMessage(null);
  };
}
