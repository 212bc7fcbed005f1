/**
 * The workflow runtime inside the sandboxed Worker: the injected primitives (`agent`, `parallel`,
 * `pipeline`, `phase`, `log`, `args`, `budget`, `workflow`) and the evaluation of the script body.
 *
 * `parallel` and `pipeline` are plain JavaScript here; `agent`, `log`, `phase` and `workflow` post
 * messages to the host (see `src/protocol.ts`). The function is self-contained because the host
 * stringifies it into the worker source (no imports are available at run time; types are erased).
 *
 * @module
 */
import type {
  AgentCallOptions,
  HostMessage,
  StartMessage,
  WireError,
  WorkerMessage,
  WorkflowReplyMessage,
} from "../protocol.ts";

/** Starts the runtime: waits for the host's `start`, evaluates the body, reports `done`/`failed`. */
export function workerMain(lockdown: (onTimerSettled: () => void) => { pendingTimers(): number }): void {
  const g = globalThis as unknown as {
    postMessage(m: WorkerMessage): void;
    addEventListener(
      type: string,
      fn: (e: { data: unknown; error?: unknown; isTrusted: boolean; preventDefault(): void }) => void,
    ): void;
  };
  const post = g.postMessage.bind(globalThis);
  const send = (m: WorkerMessage) => post(m);
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
    ...params: string[]
  ) => (...args: unknown[]) => Promise<unknown>;
  const MAX_ITEMS = 4096;
  let nextId = 1;
  const pendingAgents = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const pendingWorkflows = new Map<number, (m: WorkflowReplyMessage) => void>();
  let spent = 0;
  let currentPhase: string | undefined;
  // Stuck detection: once nothing is pending (no agent or child-workflow reply, no timer) and the
  // microtasks have drained, no event can ever settle the script's promise again.
  const later = setTimeout;
  let finished = false;
  let checkQueued = false;
  let pendingTimers = () => 0;
  const checkStuck = () => {
    if (checkQueued || finished || !start) return;
    checkQueued = true;
    later(() => {
      checkQueued = false;
      if (finished || pendingAgents.size > 0 || pendingWorkflows.size > 0 || pendingTimers() > 0) return;
      finish({
        type: "failed",
        error: {
          name: "Error",
          message: "the workflow is stuck: it awaits a promise that nothing can settle " +
            "(no agent, child workflow or timer is pending)",
        },
      });
    }, 0);
  };
  const finish = (m: WorkerMessage) => {
    if (finished) return;
    finished = true;
    send(m);
  };

  const toWire = (e: unknown): WireError =>
    e instanceof Error
      ? { name: e.name, message: e.message, stack: e.stack }
      : { name: "Error", message: String(e) };
  const fromWire = (w: WireError): Error => {
    const Ctor = ({ TypeError, RangeError, SyntaxError } as Record<string, ErrorConstructor>)[w.name] ??
      Error;
    const err = new Ctor(w.message);
    if (!(w.name in { TypeError: 1, RangeError: 1, SyntaxError: 1, Error: 1 })) err.name = w.name;
    return err;
  };
  const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  const textOf = (v: unknown): string => {
    if (typeof v === "string") return v;
    try {
      const json = JSON.stringify(v);
      return json === undefined ? String(v) : json;
    } catch {
      return String(v);
    }
  };

  const log = (message: unknown): void => send({ type: "log", message: textOf(message) });
  const phase = (title: unknown): void => {
    if (typeof title !== "string") throw new TypeError("phase() expects a string title");
    currentPhase = title;
    send({ type: "phase", title });
  };

  const OPTION_TYPES: Record<string, string> = {
    label: "string",
    phase: "string",
    model: "string",
    effort: "string",
    isolation: "string",
    agentType: "string",
    runtime: "string",
    provider: "string",
  };
  const checkOptions = (opts: unknown): AgentCallOptions => {
    if (opts === undefined || opts === null) return {};
    if (typeof opts !== "object" || Array.isArray(opts)) {
      throw new TypeError("agent() options must be an object");
    }
    const o = opts as Record<string, unknown>;
    for (const [key, type] of Object.entries(OPTION_TYPES)) {
      if (o[key] !== undefined && typeof o[key] !== type) {
        throw new TypeError(`agent() option "${key}" must be a ${type}`);
      }
    }
    if (o.timeout !== undefined && typeof o.timeout !== "string" && typeof o.timeout !== "number") {
      throw new TypeError(`agent() option "timeout" must be a duration string or milliseconds`);
    }
    if (o.schema !== undefined && (typeof o.schema !== "object" || o.schema === null)) {
      throw new TypeError(`agent() option "schema" must be a JSON Schema object`);
    }
    try {
      return JSON.parse(JSON.stringify(o));
    } catch (e) {
      throw new TypeError(`agent() options must be JSON-serialisable: ${messageOf(e)}`);
    }
  };

  const makeAgent = (scope: string) => (prompt: unknown, opts?: unknown): Promise<unknown> => {
    try {
      if (typeof prompt !== "string") throw new TypeError("agent() expects a prompt string");
      const options = checkOptions(opts);
      if (options.phase === undefined && currentPhase !== undefined) options.phase = currentPhase;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pendingAgents.set(id, { resolve, reject });
        send({ type: "agent", id, prompt, options, scope });
      });
    } catch (e) {
      return Promise.reject(e);
    }
  };

  const parallel = async (thunks: unknown): Promise<unknown[]> => {
    if (!Array.isArray(thunks)) throw new TypeError("parallel() expects an array of functions");
    if (thunks.length > MAX_ITEMS) {
      throw new RangeError(`parallel() accepts at most ${MAX_ITEMS} items (got ${thunks.length})`);
    }
    thunks.forEach((t, i) => {
      if (typeof t === "function") return;
      if (t !== null && typeof (t as { then?: unknown }).then === "function") {
        throw new TypeError(
          "parallel() expects an array of functions, not promises. Wrap each call: () => agent(...)",
        );
      }
      throw new TypeError(`parallel() expects an array of functions; item ${i} is ${typeof t}`);
    });
    return await Promise.all(
      (thunks as Array<() => unknown>).map((thunk, i) =>
        (async () => await thunk())().catch((e) => {
          log(`parallel[${i}] failed: ${messageOf(e)}`);
          return null;
        })
      ),
    );
  };

  const pipeline = async (items: unknown, ...stages: unknown[]): Promise<unknown[]> => {
    if (!Array.isArray(items)) throw new TypeError("pipeline() expects an array of items");
    if (items.length > MAX_ITEMS) {
      throw new RangeError(`pipeline() accepts at most ${MAX_ITEMS} items (got ${items.length})`);
    }
    stages.forEach((s, i) => {
      if (typeof s !== "function") throw new TypeError(`pipeline() stage ${i} is not a function`);
    });
    return await Promise.all(items.map((item, index) =>
      (async () => {
        let value: unknown = item;
        for (const stage of stages as Array<(p: unknown, it: unknown, i: number) => unknown>) {
          value = await stage(value, item, index);
        }
        return value;
      })().catch((e) => {
        log(`pipeline[${index}] failed: ${messageOf(e)}`);
        return null;
      })
    ));
  };

  const makeBudget = (total: number | null) =>
    Object.freeze({
      total,
      spent: () => spent,
      remaining: () => (total === null ? Infinity : Math.max(0, total - spent)),
    });

  const sandboxImport = (specifier: unknown): Promise<never> =>
    Promise.reject(
      new TypeError(`import(${JSON.stringify(String(specifier))}) is not available in workflow scripts`),
    );

  const PARAMS = [
    "agent",
    "parallel",
    "pipeline",
    "phase",
    "log",
    "args",
    "budget",
    "workflow",
    "__odwImport",
  ];
  const compile = (body: string) => new AsyncFunction(...PARAMS, `"use strict"; ${body}`);
  const jsonRoundTrip = (v: unknown): unknown => {
    const text = JSON.stringify(v);
    return text === undefined ? undefined : JSON.parse(text);
  };

  let start: StartMessage | undefined;
  const nestedRefusal = () =>
    Promise.reject(new Error("workflow() cannot be called inside a child workflow (nesting is one level)"));
  const workflow = async (ref: unknown, childArgs?: unknown): Promise<unknown> => {
    const valid = typeof ref === "string" ||
      (typeof ref === "object" && ref !== null &&
        typeof (ref as { scriptPath?: unknown }).scriptPath === "string");
    if (!valid) throw new TypeError("workflow() expects a name or { scriptPath }");
    const id = nextId++;
    const reply = await new Promise<WorkflowReplyMessage>((resolve) => {
      pendingWorkflows.set(id, resolve);
      send({
        type: "workflow",
        id,
        ref: typeof ref === "string" ? ref : { scriptPath: (ref as { scriptPath: string }).scriptPath },
      });
    });
    if (!reply.ok) throw fromWire(reply.error);
    log(`▸ running dynamic workflow ${reply.name}`);
    const fn = compile(reply.body);
    const value = await fn(
      makeAgent(reply.scope),
      parallel,
      pipeline,
      phase,
      log,
      jsonRoundTrip(childArgs),
      makeBudget(start?.budgetTotal ?? null),
      nestedRefusal,
      sandboxImport,
    );
    log("▸ child done");
    return jsonRoundTrip(value);
  };

  const onMessage = (m: HostMessage): void => {
    if (m.type === "agent.reply") {
      spent = m.spent;
      const pending = pendingAgents.get(m.id);
      pendingAgents.delete(m.id);
      if (!pending) return;
      if (m.ok) pending.resolve(m.value);
      else pending.reject(fromWire(m.error));
      checkStuck();
    } else if (m.type === "workflow.reply") {
      const resolve = pendingWorkflows.get(m.id);
      pendingWorkflows.delete(m.id);
      resolve?.(m);
      checkStuck();
    } else if (m.type === "start" && !start) {
      start = m;
      run(m);
      checkStuck();
    }
  };

  const run = async (m: StartMessage): Promise<void> => {
    try {
      const fn = compile(m.body);
      const result = await fn(
        makeAgent(""),
        parallel,
        pipeline,
        phase,
        log,
        m.hasArgs ? m.args : undefined,
        makeBudget(m.budgetTotal),
        workflow,
        sandboxImport,
      );
      let resultJson: string | undefined;
      try {
        resultJson = JSON.stringify(result);
      } catch (e) {
        throw new TypeError(`the workflow's result cannot be passed through JSON: ${messageOf(e)}`);
      }
      finish({ type: "done", resultJson });
    } catch (e) {
      finish({ type: "failed", error: toWire(e) });
    }
  };

  // Only the host's messages are trusted; an event the script dispatched itself is not a reply.
  g.addEventListener("message", (e) => {
    if (e.isTrusted) onMessage(e.data as HostMessage);
  });
  g.addEventListener("unhandledrejection", (e) => e.preventDefault());
  // An error thrown outside the body's promise chain (in a timer callback) fails the run like a throw
  // from the body, and is handled here so Deno does not print it with a stack trace.
  g.addEventListener("error", (e) => {
    e.preventDefault();
    finish({ type: "failed", error: toWire(e.error) });
  });
  // Every console method writes to the run log, never to odw's stdout/stderr (which `--json` owns).
  // The console timers read the clock, so they do nothing; `trace` gives no stack.
  const consoleLog = (...parts: unknown[]) => log(parts.map(textOf).join(" "));
  const counts = new Map<string, number>();
  const ignore = () => {};
  const consoleMethods: Record<string, (...parts: unknown[]) => unknown> = {
    assert: (condition, ...parts) => {
      if (!condition) consoleLog(parts.length ? "Assertion failed:" : "Assertion failed", ...parts);
    },
    count: (label = "default") => {
      const n = (counts.get(String(label)) ?? 0) + 1;
      counts.set(String(label), n);
      log(`${String(label)}: ${n}`);
    },
    countReset: (label = "default") => counts.delete(String(label)),
    trace: (...parts) => consoleLog("Trace:", ...parts),
    groupEnd: ignore,
    time: ignore,
    timeLog: ignore,
    timeEnd: ignore,
    timeStamp: ignore,
    profile: ignore,
    profileEnd: ignore,
    clear: ignore,
    createTask: () => ({ run: (fn: () => unknown) => fn() }),
    context: () => console,
  };
  const consoleObject = console as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(consoleObject)) {
    if (typeof value === "function") consoleObject[name] = consoleMethods[name] ?? consoleLog;
  }
  pendingTimers = lockdown(checkStuck).pendingTimers;
}
