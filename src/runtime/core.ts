/**
 * The runtime's core inside the sandboxed Worker: the private channel to the host, the tables of
 * pending `agent()` and `workflow()` calls, the budget figure, the compiler of host-sent bodies, and
 * the runtime's own task queue.
 *
 * The workflow script shares this realm, so the core is built before any script code runs, from
 * built-ins captured at that moment, and afterwards uses only those, own properties of null-prototype
 * objects and plain calls: no method lookup on a shared prototype, no iterator, spread or `await`, no
 * event. The host's messages arrive through a shared-memory ring handed over in the Worker's first
 * message (see `ring.ts`); once it is in hand the core stops listening for messages, so no listener,
 * port or symbol-keyed state of the runtime's is there for a script to find, and a forged host message
 * cannot be delivered. Bodies are compiled only from host messages read off that ring. The core's own
 * messages go out as frames on the sandbox process's stdout, through a writer made before any script
 * code ran (`frame_writer.ts`).
 *
 * Self-contained (no imports at run time; types are erased): the host stringifies it into the worker
 * source.
 *
 * @module
 */
import type { AgentCallOptions, CallSiteRef, WireError, WorkerMessage } from "../protocol.ts";
import type { HostValues } from "./host_values.ts";
import type { RingEnds } from "./ring.ts";

/** A compiled script body (the parameters are the primitives, in `worker_main.ts`'s order). */
export type Compiled = (...args: unknown[]) => Promise<unknown>;

/** What the core is built from. */
export interface CoreParts {
  /** The rings' ends, made before any script code ran. */
  rings: RingEnds;
  /** Writes one message to the host (a frame on stdout), made before any script code ran. */
  writeFrame: (text: string) => void;
  /** Host answers as the script receives them, made before any script code ran. */
  fromHost: HostValues;
  utf8Length: (text: string) => number;
}

/** What the rest of the runtime gets from the core. */
export interface RuntimeCore {
  /** Runs `fn` in a task of its own, after the current one and its microtasks (in call order). */
  onNextTask(fn: () => void): void;
  sendLog(line: string): void;
  sendPhase(title: string): void;
  /** One checked agent() call: resolves with the host's answer (sent on the next task). */
  requestAgent(
    prompt: string,
    options: AgentCallOptions,
    scope: string,
    site?: CallSiteRef,
  ): Promise<unknown>;
  /** One workflow() call: `start` runs the child once the host sent its checked body. */
  requestChild(
    ref: string | { scriptPath: string },
    site: CallSiteRef | undefined,
    start: (fn: Compiled, name: string, scope: string) => Promise<unknown>,
  ): Promise<unknown>;
  /** Ends the run once with `done` (the result's JSON text) or `failed`. */
  finishDone(resultJson: string | undefined): void;
  finishFailed(error: WireError): void;
  finished(): boolean;
  started(): boolean;
  /** Output tokens spent, as the host last said. */
  spent(): number;
  /** Agent and child-workflow calls waiting for the host. */
  pending(): number;
  /** The error of a cap the host enforces, raised in the sandbox first (the host's words). */
  limitError(message: string): Error;
  /**
   * Waits for the Worker's first message (the host's ring), takes the channel, cancels the events Deno would
   * end the Worker for, runs `afterBoot` (the lockdown) and tells the host it is ready. Then `start`
   * goes to `onStart`, and every host message is followed by `afterMessage`.
   */
  boot(
    handlers: { afterBoot(): void; onStart(fn: Compiled, start: unknown): void; afterMessage(): void },
  ): void;
}

type Settle = { __proto__: null; resolve(value: unknown): void; reject(error: unknown): void };
type ChildStart = {
  __proto__: null;
  start(fn: Compiled, name: string, scope: string): void;
  fail(e: unknown): void;
};

/** Builds the core; call before any script code runs. */
export function makeRuntimeCore(parts: CoreParts): RuntimeCore {
  const apply = Reflect.apply;
  const construct = Reflect.construct;
  const hasOwn = Object.hasOwn;
  const setPrototypeOf = Object.setPrototypeOf;
  const isArray = Array.isArray;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const SafePromise = Promise;
  const SafeTypeError = TypeError;
  const SafeError = Error;
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
    ...params: string[]
  ) => Compiled;
  const uncurry = <F>(fn: F) => apply(Function.prototype.bind, Function.prototype.call, [fn]);
  const then = uncurry(Promise.prototype.then) as (p: Promise<unknown>, f: () => void) => unknown;
  const preventDefault = uncurry(Event.prototype.preventDefault) as (event: Event) => void;
  const listen = uncurry(EventTarget.prototype.addEventListener) as (
    target: unknown,
    type: string,
    fn: (event: Event) => void,
  ) => void;
  const unlisten = uncurry(EventTarget.prototype.removeEventListener) as typeof listen;
  const waitAsync = Atomics.waitAsync;
  const notify = Atomics.notify;
  const { rings, writeFrame, utf8Length } = parts;
  const { errorFromHost, valueFromHost } = parts.fromHost;
  const field = (o: unknown, key: string): unknown =>
    o !== null && typeof o === "object" && hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
  const textField = (o: unknown, key: string): string => {
    const value = field(o, key);
    return typeof value === "string" ? value : "";
  };
  const nullArray = <T>(): T[] => setPrototypeOf([], null);
  const message = (m: Record<string, unknown>) => setPrototypeOf(m, null) as unknown as WorkerMessage;
  /** A call site as it is sent (absent stays absent: JSON drops undefined). */
  const siteOf = (site: CallSiteRef | undefined) =>
    site === undefined ? undefined : setPrototypeOf({ line: site.line, column: site.column }, null);
  const limitError = (text: string): Error => {
    const error = new SafeError(text);
    error.name = "WorkflowLimitError";
    return error;
  };

  // One callback per task, in call order: a private wake-up (`Atomics.waitAsync` on a cell only the
  // core holds). V8 settles all woken waiters in one task, so the next is armed only when one has run.
  const tickCell = new Int32Array(new SharedArrayBuffer(4));
  const tasks = { __proto__: null } as unknown as Record<number, () => void>;
  let firstTask = 0;
  let nextTask = 0;
  const arm = (): void => {
    then(waitAsync(tickCell, 0, 0).value as Promise<unknown>, runTask);
    notify(tickCell, 0, 1);
  };
  const runTask = (): void => {
    const fn = tasks[firstTask];
    delete tasks[firstTask];
    firstTask++;
    if (firstTask !== nextTask) arm();
    fn();
  };
  const onNextTask = (fn: () => void): void => {
    tasks[nextTask++] = fn;
    if (nextTask - firstTask === 1) arm();
  };

  let sendText: (text: string) => void = () => {};
  let maxMessageBytes = Infinity;
  let jsonError = "";
  /** Sends one message: "sent", or why not ("json": not serialisable, "size": over the message cap). */
  const send = (m: WorkerMessage): "sent" | "json" | "size" => {
    let text: unknown;
    try {
      text = stringify(m);
    } catch (e) {
      jsonError = typeof (e as Error)?.message === "string" ? `: ${(e as Error).message}` : "";
      return "json";
    }
    if (typeof text !== "string") return "json";
    if (text.length * 3 > maxMessageBytes && utf8Length(text) > maxMessageBytes) return "size";
    sendText(text);
    return "sent";
  };
  let finished = false;
  let started = false;
  let spent = 0;
  let nextId = 1;
  const agents = { __proto__: null } as unknown as Record<number, Settle>;
  const children = { __proto__: null } as unknown as Record<number, ChildStart>;
  let pendingAgents = 0;
  let pendingChildren = 0;
  const compile = (body: unknown): Compiled => {
    if (typeof body !== "string") throw new SafeTypeError("the host sent no script body");
    return construct(AsyncFunction, [
      "agent",
      "parallel",
      "pipeline",
      "phase",
      "log",
      "args",
      "budget",
      "workflow",
      "__odwImport",
      "console",
      // Deno needs the global; the script sees none, as in the built-in's realm.
      "queueMicrotask",
      '"use strict"; ' + body,
    ]) as Compiled;
  };

  /** Collects messages for one turn and hands them to `flush` together on the next task. */
  const turnQueue = <T>(flush: (items: T[], count: number) => void) => {
    let items = nullArray<T>();
    let count = 0;
    return (item: T): void => {
      items[count++] = item;
      if (count > 1) return;
      onNextTask(() => {
        const batch = items;
        const n = count;
        items = nullArray<T>();
        count = 0;
        if (!finished) flush(batch, n);
      });
    };
  };
  // Agent requests leave on the next task, as the built-in starts them: a script that returns
  // without awaiting an agent() finishes first, and that agent is never started.
  const queueAgent = turnQueue<WorkerMessage & { type: "agent" }>((batch, n) => {
    for (let i = 0; i < n; i++) {
      const m = batch[i];
      const outcome = send(m);
      if (outcome === "sent") continue;
      const entry = agents[m.id];
      delete agents[m.id];
      pendingAgents--;
      entry.reject(
        outcome === "json"
          ? new SafeTypeError(`agent() options must be JSON-serialisable${jsonError}`)
          : limitError(`agent() request is larger than the limit of ${maxMessageBytes} bytes`),
      );
    }
  });
  // workflow() calls of one turn leave together (at most 4096 a message), so the host answers them
  // together and children started together begin together.
  const queueChild = turnQueue<unknown>((batch, n) => {
    for (let at = 0; at < n; at += 4096) {
      const requests = nullArray<unknown>();
      for (let i = at; i < n && i < at + 4096; i++) requests[i - at] = batch[i];
      send(message({ type: "workflow", requests }));
    }
  });
  const finish = (m: WorkerMessage): void => {
    if (finished) return;
    finished = true;
    if (send(m) !== "sent") {
      send(message({
        type: "failed",
        error: setPrototypeOf({ name: "Error", message: "the workflow's outcome could not be sent" }, null),
      }));
    }
  };

  let handlers = { afterBoot() {}, onStart(_fn: Compiled, _start: unknown) {}, afterMessage() {} };
  /** Every host message, parsed and dispatched here (and only here). */
  const onHostText = (text: string): void => {
    let m: unknown;
    try {
      m = parse(text);
    } catch {
      return;
    }
    const type = field(m, "type");
    if (type === "agent.reply") {
      const figure = field(m, "spent");
      if (typeof figure === "number") spent = figure;
      const id = field(m, "id") as number;
      const entry = typeof id === "number" ? agents[id] : undefined;
      if (entry === undefined) return;
      delete agents[id];
      pendingAgents--;
      if (field(m, "ok") !== true) entry.reject(errorFromHost(field(m, "error")));
      else {
        try {
          entry.resolve(valueFromHost(field(m, "value")));
        } catch (e) {
          entry.reject(e);
        }
      }
    } else if (type === "workflow.replies") {
      const replies = field(m, "replies");
      const n = isArray(replies) ? replies.length : 0;
      for (let i = 0; i < n; i++) {
        const reply = (replies as unknown[])[i];
        const id = field(reply, "id") as number;
        const entry = typeof id === "number" ? children[id] : undefined;
        if (entry === undefined) continue;
        delete children[id];
        pendingChildren--;
        if (field(reply, "ok") !== true) {
          entry.fail(errorFromHost(field(reply, "error")));
          continue;
        }
        let fn: Compiled;
        try {
          fn = compile(field(reply, "body"));
        } catch (e) {
          entry.fail(e);
          continue;
        }
        entry.start(fn, textField(reply, "name"), textField(reply, "scope"));
      }
    } else if (type === "start" && !started) {
      started = true;
      let fn: Compiled | undefined;
      try {
        fn = compile(field(m, "body"));
      } catch (e) {
        const error = e as Error;
        finish(
          message({
            type: "failed",
            error: setPrototypeOf({ name: error.name, message: error.message }, null),
          }),
        );
      }
      if (fn) handlers.onStart(fn, m);
    }
    handlers.afterMessage();
  };

  return {
    onNextTask,
    sendLog: (line) => void send(message({ type: "log", message: line })),
    sendPhase: (title) => void send(message({ type: "phase", title })),
    requestAgent: (prompt, options, scope, site) => {
      const id = nextId++;
      return new SafePromise((resolve, reject) => {
        agents[id] = { __proto__: null, resolve, reject };
        pendingAgents++;
        queueAgent(
          message({ type: "agent", id, prompt, options, scope, site: siteOf(site) }) as WorkerMessage & {
            type: "agent";
          },
        );
      });
    },
    requestChild: (ref, site, start) => {
      const id = nextId++;
      return new SafePromise((resolve, reject) => {
        children[id] = {
          __proto__: null,
          start: (fn, name, scope) => resolve(start(fn, name, scope)),
          fail: reject,
        };
        pendingChildren++;
        const wire = typeof ref === "string" ? ref : setPrototypeOf({ scriptPath: ref.scriptPath }, null);
        queueChild(setPrototypeOf({ id, ref: wire, site: siteOf(site) }, null));
      });
    },
    finishDone: (resultJson) => finish(message({ type: "done", resultJson })),
    finishFailed: (error) => finish(message({ type: "failed", error })),
    finished: () => finished,
    started: () => started,
    spent: () => spent,
    pending: () => pendingAgents + pendingChildren,
    limitError,
    boot: (given) => {
      handlers = given;
      const g = globalThis;
      const onBoot = (event: Event): void => {
        unlisten(g, "message", onBoot);
        // The first message comes from the sandbox process before any script code exists.
        const data = (event as MessageEvent).data as {
          toWorker: SharedArrayBuffer;
          maxMessageBytes: number;
        };
        sendText = writeFrame;
        maxMessageBytes = data.maxMessageBytes;
        rings.reader(data.toWorker, onHostText, data.maxMessageBytes, () => {});
        // Rejections nothing handles and errors thrown by timer callbacks are ignored, as the built-in
        // ignores them (Deno would otherwise end the worker). The hooks only cancel the event.
        listen(g, "unhandledrejection", preventDefault);
        listen(g, "error", preventDefault);
        handlers.afterBoot();
        send(message({ type: "ready" }));
      };
      listen(g, "message", onBoot);
    },
  };
}
