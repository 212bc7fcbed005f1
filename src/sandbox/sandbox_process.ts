/**
 * The sandbox process: a separate `deno run` with no permissions, a V8 heap cap and (on Linux) a data
 * cap, hosting the permissionless workflow Worker (see `bootstrap.ts`). It talks to odw over its
 * stdin/stdout as length-prefixed JSON frames; odw validates everything it receives (the session does).
 *
 * Whatever happens inside — out of memory, a crash, an endless synchronous loop — stays inside: the
 * process dies or is killed, and odw, still running, writes the run's records. {@link describeExit}
 * turns the way it died into one line.
 *
 * @example
 * ```ts
 * const sandbox = SandboxProcess.start({ maxMemoryMb: 1024 });
 * sandbox.listen({ onText: (text) => console.log(text), onError: console.error });
 * const exit = await sandbox.exited;
 * ```
 * @module
 */
import { concatBytes } from "../common/bytes.ts";
import { PROTOCOL_LIMITS } from "../protocol.ts";
import { makeRings } from "../runtime/ring.ts";
import { workerSource as defaultWorkerSource } from "../runtime/worker_source.ts";
import { sandboxMain, stdinPump } from "./bootstrap.ts";
import { encodeFrame, makeFrameDecoder } from "./frames.ts";
import { sandboxDeno } from "./deno_binary.ts";

export { DEFAULT_MAX_MEMORY_MB } from "../common/size.ts";

/** Bytes of each ring between the Worker and the relay (one per direction). */
const RING_BYTES = 1 << 20;
/** Bytes of the buffer odw reads the sandbox's stdout into. */
const READ_BYTES = 64 * 1024;
/** The end of the sandbox's stderr kept to explain a crash. */
const STDERR_KEEP = 16 * 1024;

/** How to start a sandbox. */
export interface SandboxOptions {
  /** The cap on the sandbox's JS heap and, on Linux, on its other memory (ArrayBuffers), in MiB. */
  maxMemoryMb: number;
  /** The worker module's source; tests substitute a hostile runtime here. Default: odw's runtime. */
  workerSource?: string;
}

/** How the sandbox process ended. */
export interface SandboxExit {
  code: number;
  signal: Deno.Signal | null;
  /** The end of what it wrote on stderr (V8's out-of-memory report, a panic). */
  stderr: string;
}

/** Receivers of what the sandbox sends. */
export interface SandboxListener {
  /** One message's JSON text (not yet validated). */
  onText(text: string): void;
  /** The stream itself is broken (an oversized frame, bad UTF-8); nothing more is delivered. */
  onError(why: string): void;
}

let defaultUrl: string | undefined;

/**
 * The relay's source with the worker's embedded, as a base64 `data:` URL (one argument of about 70 KB:
 * the process boots without waiting for anything from odw, whose pipe writes wait for its event loop).
 */
function sandboxUrl(workerSource?: string): string {
  if (workerSource === undefined) return defaultUrl ??= sandboxUrl(defaultWorkerSource());
  const parts = { makeRings, encodeFrame, makeFrameDecoder, stdinPump };
  const entries = Object.entries(parts).map(([name, fn]) => `${name}: (${fn.toString()})`).join(",\n");
  const source =
    `(${sandboxMain.toString()})({\n${entries}\n}, ${JSON.stringify(workerSource)}, ${RING_BYTES}, ` +
    `${PROTOCOL_LIMITS.maxMessageBytes});\n`;
  // Non-ASCII characters (in strings and comments only) become \u escapes, so btoa takes the text as is.
  const ascii = source.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const url = `data:text/javascript;base64,${btoa(ascii)}`;
  // Linux takes at most 128 KiB in one argument; a runtime grown past it must not fail obscurely.
  if (url.length >= 128 * 1024) {
    throw new Error(`the sandbox's source is ${url.length} bytes, too long for argv`);
  }
  return url;
}

/** The environment the sandbox gets: only what Deno itself needs to find its cache. */
function sandboxEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" };
  for (const name of ["HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR", "PATH"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** One sandbox process, from spawn to exit. */
export class SandboxProcess {
  /** The memory cap it was started with, in MiB. */
  readonly maxMemoryMb: number;
  /** Settles when the process has ended and its output is read. */
  readonly exited: Promise<SandboxExit>;
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #listener: SandboxListener | undefined;
  #backlog: string[] = [];
  #outbox: Uint8Array[] = [];
  #broken: string | undefined;
  #capped: Promise<void> | undefined;

  private constructor(options: SandboxOptions) {
    this.maxMemoryMb = options.maxMemoryMb;
    this.#child = new Deno.Command(sandboxDeno().command, {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--no-config",
        "--no-lock",
        "--no-npm",
        "--no-remote",
        "--unstable-worker-options",
        `--v8-flags=--max-old-space-size=${options.maxMemoryMb}`,
        sandboxUrl(options.workerSource),
      ],
      clearEnv: true,
      env: sandboxEnv(),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    const stdout = this.#readFrames();
    const stderr = this.#readTail(this.#child.stderr);
    this.exited = Promise.all([this.#child.status, stderr, stdout]).then(async ([status, tail]) => {
      // The process is gone: release our end of its stdin too (no pipe outlives the run).
      await this.#stdin.close().catch(() => {});
      return { code: status.code, signal: status.signal, stderr: tail };
    });
  }

  /** Spawns a sandbox process; it boots while odw goes on. */
  static start(options: SandboxOptions): SandboxProcess {
    return new SandboxProcess(options);
  }

  /** Receives the messages (those that arrived before are delivered at once, in order). */
  listen(listener: SandboxListener): void {
    this.#listener = listener;
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const text of backlog) listener.onText(text);
    if (this.#broken !== undefined) listener.onError(this.#broken);
  }

  /**
   * Sends one message's JSON text (dropped once the process is gone). Messages sent in the same turn
   * leave together, in order, in one write.
   */
  send(text: string): void {
    this.#outbox.push(encodeFrame(text));
    if (this.#outbox.length === 1) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const frames = this.#outbox;
    this.#outbox = [];
    this.#stdin.write(frames.length === 1 ? frames[0] : concatBytes(frames)).catch(() => {});
  }

  /**
   * Caps the process's data segment (heap pages, ArrayBuffers, malloc) at what it uses once booted
   * plus the memory cap, so ArrayBuffers — outside V8's heap cap — cannot grow past it either. Linux
   * only, with util-linux's `prlimit`. Started as soon as the first message arrives (the runtime's
   * `ready`, sent before any script runs); the script must not start before this resolves (either way).
   */
  capData(): Promise<void> {
    this.#capped ??= this.#capData();
    return this.#capped;
  }

  async #capData(): Promise<void> {
    if (Deno.build.os !== "linux") return;
    try {
      const status = await Deno.readTextFile(`/proc/${this.#child.pid}/status`);
      const kb = Number(/^VmData:\s+(\d+) kB/m.exec(status)?.[1]);
      if (!(kb > 0)) return;
      const bytes = (kb + this.maxMemoryMb * 1024) * 1024;
      await new Deno.Command("prlimit", {
        args: ["--pid", String(this.#child.pid), `--data=${bytes}:${bytes}`],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).output();
    } catch { /* not Linux enough: the heap cap still holds */ }
  }

  /** Kills the process (and with it the Worker), wherever it is stuck. */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
  }

  #deliver(text: string): void {
    void this.capData();
    if (this.#listener) this.#listener.onText(text);
    else this.#backlog.push(text);
  }

  async #readFrames(): Promise<void> {
    const decode = makeFrameDecoder(PROTOCOL_LIMITS.maxMessageBytes, (text) => this.#deliver(text), (why) => {
      this.#broken = `the sandbox sent ${why}`;
      this.#listener?.onError(this.#broken);
      this.kill();
    });
    // One buffer, lent to each read and decoded in place (the decoder keeps nothing of it): no
    // allocation per read.
    const reader = this.#child.stdout.getReader({ mode: "byob" });
    let buffer = new Uint8Array(READ_BYTES);
    try {
      for (;;) {
        const { value, done } = await reader.read(buffer);
        if (done || value === undefined) break;
        decode(value);
        buffer = new Uint8Array(value.buffer);
      }
    } catch { /* the pipe broke: the exit tells why */ }
  }

  async #readTail(stream: ReadableStream<Uint8Array>): Promise<string> {
    const decoder = new TextDecoder();
    let tail = "";
    try {
      for await (const chunk of stream) {
        tail = (tail + decoder.decode(chunk, { stream: true })).slice(-STDERR_KEEP);
      }
    } catch { /* closed */ }
    return tail;
  }
}

/** One line saying why a sandbox process ended before the workflow did. */
export function describeExit(exit: SandboxExit, maxMemoryMb: number): string {
  if (/out of memory|heap limit|memory allocation of \d+ bytes failed|allocation failed/i.test(exit.stderr)) {
    return `OutOfMemoryError: the workflow ran out of memory (the sandbox is capped at ${maxMemoryMb} MiB; ` +
      "see --max-memory)";
  }
  if (/stack overflow/i.test(exit.stderr)) {
    return "StackOverflowError: the workflow's sandbox overflowed its stack and was stopped";
  }
  return exit.signal
    ? `SandboxCrashError: the workflow's sandbox process was killed by ${exit.signal}`
    : `SandboxCrashError: the workflow's sandbox process exited unexpectedly (exit code ${exit.code})`;
}
