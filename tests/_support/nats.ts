/**
 * A real `nats-server` (Debian's package, installed by `scripts/install-test-deps`) on a free loopback
 * port with JetStream and file storage in a temporary directory, and real `odw worker` processes
 * whose `--json` events the test reads as they come. Every wait has a deadline; `dispose()` of each
 * kills what is left (call it in `finally`).
 *
 * @example
 * ```ts
 * const nats = await startNatsServer();
 * try {
 *   await prepareTopology(nats.url, { ackWaitMs: 1500 });
 *   const w1 = await startWorker(project, nats.url, "w1", ["--concurrency", "4"]);
 *   await w1.eventsWhere((events) => events.some((e) => e.type === "node.started"), 30_000, "a start");
 * } finally {
 *   await nats.dispose();
 * }
 * ```
 * @module
 */
import {
  DEFAULT_TOPOLOGY,
  ensureTopology,
  openNats,
  type TopologySettings,
} from "../../src/distributed/topology.ts";
import type { WorkerEvent } from "../../src/distributed/worker.ts";
import { waitFor } from "./live_odw.ts";
import { type OdwProject, startOdwProcess } from "./odw.ts";

/** The server binary (PATH as the tests see it). */
export const NATS_SERVER = "nats-server";

/** A free TCP port on 127.0.0.1 (the kernel picks one; it is released before use). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Resolves once something accepts TCP connections on `port`, failing after `ms`. */
async function waitForPort(port: number, ms: number, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  await waitFor(
    async () => {
      if (exited) throw new Error(`nats-server on port ${port} exited at start`);
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return true;
      } catch {
        return undefined;
      }
    },
    ms,
    `nats-server to listen on ${port}`,
  );
}

/** A running nats-server. */
export class NatsServer {
  readonly port: number;
  readonly storeDir: string;
  readonly #jetstream: boolean;
  #child: Deno.ChildProcess | undefined;

  private constructor(port: number, storeDir: string, jetstream: boolean) {
    this.port = port;
    this.storeDir = storeDir;
    this.#jetstream = jetstream;
  }

  /** The server process's pid (undefined while stopped). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** `nats://127.0.0.1:<port>`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts a server with JetStream, file storage in a fresh directory, on a free loopback port. */
  static async start(jetstream = true): Promise<NatsServer> {
    const server = new NatsServer(freePort(), await Deno.makeTempDir({ prefix: "odw-nats-" }), jetstream);
    await server.#spawn();
    return server;
  }

  async #spawn(): Promise<void> {
    this.#child = new Deno.Command(NATS_SERVER, {
      args: [
        ...(this.#jetstream ? ["-js"] : []),
        ...["-a", "127.0.0.1", "-p", String(this.port), "-sd", this.storeDir],
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForPort(this.port, 15_000, this.#child);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for its exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10_000);
    await child.status.finally(() => clearTimeout(timer));
  }

  /** Stops it and starts it again on the same port with the same storage. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#spawn();
  }

  /** Stops it and removes its storage. */
  async dispose(): Promise<void> {
    await this.stop();
    await Deno.remove(this.storeDir, { recursive: true }).catch(() => undefined);
  }
}

/** Starts a server (see {@link NatsServer.start}); `jetstream: false` for one without JetStream. */
export function startNatsServer(jetstream = true): Promise<NatsServer> {
  return NatsServer.start(jetstream);
}

/** Creates odw's streams with test settings (a short ack wait makes redelivery quick). */
export async function prepareTopology(url: string, settings: Partial<TopologySettings>): Promise<void> {
  const nats = await openNats(url, "odw tests");
  try {
    await ensureTopology(nats, { ...DEFAULT_TOPOLOGY, ...settings });
  } finally {
    await nats.nc.close();
  }
}

/** A worker event as `odw worker --json` prints it. */
export type PrintedEvent = WorkerEvent & { worker: string } | { type: "worker.ready"; worker?: string };

/** A running `odw worker --json`. */
export class LiveWorker {
  readonly name: string;
  readonly pid: number;
  readonly events: PrintedEvent[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #end: Promise<{ code: number; signal: Deno.Signal | null; stderr: string }>;
  #stderr = "";

  constructor(project: OdwProject, url: string, name: string, args: string[]) {
    this.name = name;
    const child = startOdwProcess(project.dir, ["worker", "--nats", url, "--name", name, "--json", ...args]);
    this.#child = child;
    this.pid = child.pid;
    const decoder = new TextDecoder();
    const stdout = (async () => {
      let buffer = "";
      for await (const chunk of child.stdout) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.trim() !== "") this.events.push(JSON.parse(line));
        }
      }
    })();
    const stderr = (async () => {
      for await (const chunk of child.stderr) this.#stderr += decoder.decode(chunk, { stream: true });
    })();
    this.#end = (async () => {
      const status = await child.status;
      await Promise.allSettled([stdout, stderr]);
      return { code: status.code, signal: status.signal, stderr: this.#stderr };
    })();
  }

  /** The events of one type. */
  of(type: PrintedEvent["type"]): PrintedEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  /** Waits until `ready(events)` holds. */
  async eventsWhere(ready: (events: PrintedEvent[]) => boolean, ms: number, what: string): Promise<void> {
    await waitFor(() => Promise.resolve(ready(this.events) ? true : undefined), ms, `${this.name}: ${what}`);
  }

  /** Sends a signal to the worker. */
  signal(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch { /* gone */ }
  }

  /** The worker's end; SIGKILLs it and fails after `ms`. */
  async ended(ms: number): Promise<{ code: number; signal: Deno.Signal | null; stderr: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.signal("SIGKILL");
        reject(new Error(`deadline passed: worker ${this.name} did not exit within ${ms} ms`));
      }, ms);
    });
    try {
      return await Promise.race([this.#end, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills it if still running and waits for its end (for `finally` blocks). */
  async dispose(): Promise<void> {
    this.signal("SIGKILL");
    await this.#end.catch(() => undefined);
  }
}

/** Starts `odw worker` in the project and waits until it pulls. */
export async function startWorker(
  project: OdwProject,
  url: string,
  name: string,
  args: string[] = [],
): Promise<LiveWorker> {
  const worker = new LiveWorker(project, url, name, args);
  try {
    await worker.eventsWhere((events) => events.some((e) => e.type === "worker.ready"), 60_000, "ready");
  } catch (e) {
    await worker.dispose();
    throw e;
  }
  return worker;
}

/** Node keys finished (a result written), with how often, over all workers. */
export function finishedCounts(workers: LiveWorker[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const worker of workers) {
    for (const e of worker.of("node.finished")) {
      const key = (e as WorkerEvent).key!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** CPU time (user + system) a live process has used so far, in milliseconds (Linux `/proc`). */
export function cpuMsOf(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
}

/**
 * Runs `fn` with a fresh server and one worker per name (each started with `args`), in `project`;
 * the workers and the server are stopped afterwards, whatever happens.
 */
export async function withWorkers(
  project: OdwProject,
  names: string[],
  args: string[],
  fn: (nats: NatsServer, workers: LiveWorker[]) => Promise<void>,
): Promise<void> {
  const nats = await startNatsServer();
  const workers: LiveWorker[] = [];
  try {
    for (const name of names) workers.push(await startWorker(project, nats.url, name, args));
    await fn(nats, workers);
  } finally {
    await Promise.all(workers.map((w) => w.dispose()));
    await nats.dispose();
  }
}
