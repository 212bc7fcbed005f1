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
  WorkflowRequest,
} from "../protocol.ts";
import type { CombinatorDeps, Combinators } from "./combinators.ts";
import type { LimitErrors } from "../common/limits.ts";

/** Starts the runtime: waits for the host's `start`, evaluates the body, reports `done`/`failed`. */
export function workerMain(
  lockdown: (onTimerSettled: () => void) => { pendingTimers(): number },
  makeCombinators: (deps: CombinatorDeps) => Combinators,
  limitErrors: () => LimitErrors,
  makeConsole: (log: (message: string) => void, install?: boolean) => Record<string, unknown>,
): void {
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
  let nextId = 1;
  // Where the script called agent(), for the host's messages (`odw replay` names a missing node's
  // call): the first stack frame of code compiled from a script body (`(eval at compile
  // (odw-runtime.js), <anonymous>:line:col)`; the runtime's own frames read `(odw-runtime.js,
  // <anonymous>:…)`). The location ends the frame, so a function name cannot fake it. The stack is
  // formatted natively (prepareStackTrace set aside through descriptors, so no script getter or
  // CallSite method runs here). A body starts on frame line 3 (the AsyncFunction header) after the
  // 14 characters of `"use strict"; `.
  const StackError = Error;
  const describe = Object.getOwnPropertyDescriptor;
  const defineOwn = Object.defineProperty;
  const captureStack = (Error as unknown as { captureStackTrace(target: object): void }).captureStackTrace;
  const callSite = (): { line: number; column: number } | undefined => {
    const saved = [describe(StackError, "prepareStackTrace"), describe(StackError, "stackTraceLimit")];
    const restore = (name: string, d: PropertyDescriptor | undefined) => {
      if (d) defineOwn(StackError, name, d);
      else delete (StackError as unknown as Record<string, unknown>)[name];
    };
    try {
      defineOwn(StackError, "prepareStackTrace", { value: undefined, writable: true, configurable: true });
      defineOwn(StackError, "stackTraceLimit", { value: 50, writable: true, configurable: true });
      const holder: { stack?: unknown } = {};
      captureStack(holder);
      const stack = typeof holder.stack === "string" ? holder.stack : "";
      restore("prepareStackTrace", saved[0]);
      restore("stackTraceLimit", saved[1]);
      for (const frame of stack.split("\n")) {
        const at = /\(eval at \w+ \(odw-runtime\.js\), <anonymous>:(\d+):(\d+)\)$/.exec(frame);
        if (!at) continue;
        const line = Number(at[1]) - 2;
        const column = Number(at[2]) - (line === 1 ? 14 : 0);
        return line >= 1 && column >= 1 ? { line, column } : undefined;
      }
    } catch { /* a script that froze Error keeps its call sites to itself */ }
    return undefined;
  };
  const pendingAgents = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const pendingWorkflows = new Map<number, (m: WorkflowReplyMessage) => void>();
  let spent = 0;
  let currentPhase: string | undefined;
  // Stuck detection: once nothing is pending (no agent or child-workflow reply, no timer) and the
  // microtasks have drained, no event can ever settle the script's promise again.
  const later = setTimeout;
  let pendingTicks = 0;
  /** The next macrotask (runtime-internal: counts as pending work for the stuck detection). */
  const nextTick = () =>
    new Promise<void>((resolve) => {
      pendingTicks++;
      later(() => {
        pendingTicks--;
        resolve();
        checkStuck();
      }, 0);
    });
  let finished = false;
  let checkQueued = false;
  let pendingTimers = () => 0;
  const checkStuck = () => {
    if (checkQueued || finished || !start) return;
    checkQueued = true;
    later(() => {
      checkQueued = false;
      if (finished || pendingAgents.size > 0 || pendingWorkflows.size > 0 || pendingTimers() > 0) return;
      if (pendingTicks > 0) return;
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
  /** Collects items for one turn and hands them to `flush` together on the next macrotask. */
  const turnQueue = <T>(flush: (items: T[]) => void) => {
    let items: T[] = [];
    return (item: T) => {
      items.push(item);
      if (items.length > 1) return;
      later(() => {
        const batch = items;
        items = [];
        if (!finished) flush(batch);
      }, 0);
    };
  };
  // Agent requests leave on the next macrotask, as the built-in starts them: a script that returns
  // without awaiting an agent() finishes first, and that agent is never started.
  const queueAgent = turnQueue<WorkerMessage>((batch) => batch.forEach(send));
  // workflow() calls of one turn leave together, so the host answers them together.
  const queueWorkflow = turnQueue<WorkflowRequest>((requests) => send({ type: "workflow", requests }));
  const finish = (m: WorkerMessage) => {
    if (finished) return;
    finished = true;
    send(m);
  };

  /** A thrown value as the built-in reads it: an object's own name/message when they are strings. */
  const toWire = (e: unknown): WireError => {
    if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
    if (e === null || e === undefined) return { name: "Error", message: "" };
    if (typeof e === "object" || typeof e === "function") {
      const { name, message } = e as { name?: unknown; message?: unknown };
      return {
        name: typeof name === "string" ? name : "Error",
        message: typeof message === "string" ? message : "",
      };
    }
    return { name: "Error", message: String(e) };
  };
  const fromWire = (w: WireError): Error => {
    const Ctor = ({ TypeError, RangeError, SyntaxError } as Record<string, ErrorConstructor>)[w.name] ??
      Error;
    const err = new Ctor(w.message);
    if (!(w.name in { TypeError: 1, RangeError: 1, SyntaxError: 1, Error: 1 })) err.name = w.name;
    return err;
  };
  const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  /** The built-in's conversion of prompts, titles and log messages: primitives by String(), else a tag. */
  const textOf = (v: unknown): string =>
    v === null || v === undefined || (typeof v !== "object" && typeof v !== "function")
      ? String(v)
      : `[${typeof v}]`;

  const log = (message: unknown): void => send({ type: "log", message: textOf(message) });
  const phase = (title: unknown): void => {
    currentPhase = textOf(title);
    send({ type: "phase", title: currentPhase });
  };

  const STRING_OPTIONS = [
    "label",
    "phase",
    "model",
    "effort",
    "isolation",
    "agentType",
    "runtime",
    "provider",
  ];
  /** Options as the built-in reads them: a non-object means none; string options are coerced. */
  const checkOptions = (opts: unknown): AgentCallOptions => {
    if (opts === null || typeof opts !== "object" || Array.isArray(opts)) return {};
    const o: Record<string, unknown> = { ...(opts as Record<string, unknown>) };
    for (const key of STRING_OPTIONS) {
      if (o[key] === null || o[key] === undefined) delete o[key];
      else if (typeof o[key] !== "string") o[key] = String(o[key]);
    }
    if (typeof o.label === "string") o.label = o.label.replace(/\s+/g, " ").trim();
    if (o.schema === null) delete o.schema;
    for (const name of ["timeout", "stallTimeout"]) {
      if (o[name] !== undefined && typeof o[name] !== "string" && typeof o[name] !== "number") {
        throw new TypeError(`agent() option "${name}" must be a duration string or milliseconds`);
      }
    }
    if (o.retries !== undefined && typeof o.retries !== "number") {
      throw new TypeError(`agent() option "retries" must be a number`);
    }
    try {
      return JSON.parse(JSON.stringify(o));
    } catch (e) {
      throw new TypeError(`agent() options must be JSON-serialisable: ${messageOf(e)}`);
    }
  };

  /** `agent` for the top level (`childPhase` undefined) or a child, whose agents all get its phase. */
  const makeAgent =
    (scope: string, childPhase?: string) => (prompt: unknown, opts?: unknown): Promise<unknown> => {
      try {
        const options = checkOptions(opts);
        if (childPhase !== undefined) options.phase = childPhase;
        else if (options.phase === undefined && currentPhase !== undefined) options.phase = currentPhase;
        const text = textOf(prompt);
        agentCalls++;
        const id = nextId++;
        return new Promise((resolve, reject) => {
          pendingAgents.set(id, { resolve, reject });
          const site = callSite();
          queueAgent({ type: "agent", id, prompt: text, options, scope, ...(site ? { site } : {}) });
        });
      } catch (e) {
        return Promise.reject(e);
      }
    };

  // A mirror of the host's limits, for parallel()/pipeline()'s check before they start any slot.
  let agentCalls = 0;
  const limits = limitErrors();
  const assertCanStartAgents = () => {
    if (agentCalls >= limits.maxAgents) throw limits.agentCap();
    const total = start?.budgetTotal ?? null;
    if (total !== null && total > 0 && spent >= total) throw limits.budgetExceeded(spent, total);
  };
  const { parallel, pipeline } = makeCombinators({ log, assertCanStartAgents, nextTick });

  const makeBudget = (total: number | null) =>
    Object.freeze({
      total,
      spent: () => spent,
      remaining: () => (total === null ? Infinity : Math.max(0, total - spent)),
    });

  const sandboxImport = (_specifier: unknown): Promise<never> =>
    Promise.reject(new Error("import() is not available in workflow scripts."));

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
    "console",
    // Deno needs the global; the script sees none, as in the built-in's realm.
    "queueMicrotask",
  ];
  // The prefix is BODY_PREFIX of src/script/compiled_body.ts: the static checks parse this exact text.
  const compile = (body: string) => new AsyncFunction(...PARAMS, `"use strict"; ${body}`);
  /**
   * A value as it crosses from a script to its caller in the built-in: own enumerable properties
   * copied (a Date, Map or Error becomes `{}`, `toJSON` is not called), function-valued properties
   * dropped, shared and cyclic references kept (so the final JSON step reports a cycle), and arrays of
   * more than 4096 elements refused.
   */
  const cloneValue = (value: unknown, seen = new Map<object, unknown>()): unknown => {
    if (typeof value === "function") return undefined;
    if (value === null || typeof value !== "object") return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      if (value.length > 4096) {
        throw new Error(
          `array length ${value.length} exceeds the maximum of 4096 supported across the workflow VM boundary`,
        );
      }
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(cloneValue(item, seen));
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item !== "function") out[key] = cloneValue(item, seen);
    }
    return out;
  };

  let start: StartMessage | undefined;
  const nestedRefusal = () =>
    Promise.reject(
      new Error(
        "workflow() cannot be called from within a child workflow \u2014 nesting is limited to one level. " +
          "Inline the inner script or call its agents directly.",
      ),
    );
  const childRuns = new Map<string, number>();
  const FOREIGN_ERROR = Object.freeze({
    toString(this: { name: string; message: string }) {
      return this.message ? `${this.name}: ${this.message}` : this.name;
    },
  });
  const foreignError = (w: WireError): Error => {
    const error = Object.create(FOREIGN_ERROR) as Error;
    error.name = w.name;
    Object.defineProperty(error, "message", { value: w.message, writable: true, configurable: true });
    Object.defineProperty(error, "stack", {
      value: `${w.name}: ${w.message}`,
      writable: true,
      configurable: true,
    });
    return error;
  };
  const workflow = async (ref: unknown, childArgs?: unknown): Promise<unknown> => {
    const site = callSite();
    const scriptPath = typeof ref === "object" && ref !== null
      ? (ref as { scriptPath?: unknown }).scriptPath
      : undefined;
    if (typeof ref !== "string" && typeof scriptPath !== "string") {
      throw new TypeError("workflow() expects a workflow name (string) or {scriptPath: string}");
    }
    const id = nextId++;
    const reply = await new Promise<WorkflowReplyMessage>((resolve) => {
      pendingWorkflows.set(id, resolve);
      queueWorkflow({
        id,
        ref: typeof ref === "string" ? ref : { scriptPath: scriptPath as string },
        ...(site ? { site } : {}),
      });
    });
    if (!reply.ok) throw fromWire(reply.error);
    const name = reply.name;
    const run = (childRuns.get(name) ?? 0) + 1;
    childRuns.set(name, run);
    const childPhase = `\u25b8 ${name}${run > 1 ? ` #${run}` : ""}`;
    log(`\u25b8 running dynamic workflow ${name}`);
    try {
      const value = await compile(reply.body)(
        makeAgent(reply.scope, childPhase),
        parallel,
        pipeline,
        () => {},
        (message: unknown) => log(`[${name}] ${textOf(message)}`),
        childArgs === undefined ? undefined : cloneValue(childArgs),
        makeBudget(start?.budgetTotal ?? null),
        nestedRefusal,
        sandboxImport,
        makeConsole((message: string) => log(`[${name}] ${message}`)),
        undefined,
      );
      const copy = cloneValue(value);
      // The built-in hands the result back on a later turn, so children started together interleave.
      await nextTick();
      log(`\u25b8 ${name} done`);
      return copy;
    } catch (e) {
      // The parent gets what the built-in hands it: an error made outside the script's realm, with the
      // child's name and message (so not `instanceof Error`, and a thrown string becomes an object).
      const wire = toWire(e);
      log(`\u25b8 ${name} failed: ${wire.message ? `${wire.name}: ${wire.message}` : wire.name}`);
      throw foreignError(wire);
    }
  };

  const onMessage = (m: HostMessage): void => {
    if (m.type === "agent.reply") {
      spent = m.spent;
      const pending = pendingAgents.get(m.id);
      pendingAgents.delete(m.id);
      if (!pending) return;
      if (!m.ok) pending.reject(fromWire(m.error));
      else {
        try {
          pending.resolve(cloneValue(m.value));
        } catch (e) {
          pending.reject(e);
        }
      }
      checkStuck();
    } else if (m.type === "workflow.replies") {
      for (const reply of m.replies) {
        const resolve = pendingWorkflows.get(reply.id);
        pendingWorkflows.delete(reply.id);
        resolve?.(reply);
      }
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
        topConsole,
        undefined,
      );
      if (typeof result === "function") throw new Error("workflow result cannot be a function");
      if (typeof result === "symbol") {
        const uncloneable = new Error("The object can not be cloned.");
        uncloneable.name = "DataCloneError";
        throw uncloneable;
      }
      const copy = cloneValue(result);
      let resultJson: string | undefined;
      try {
        resultJson = JSON.stringify(copy);
      } catch (e) {
        // The built-in's (JavaScriptCore's) wording for what JSON cannot carry.
        const why = messageOf(e);
        throw new TypeError(
          /BigInt/i.test(why)
            ? "JSON.stringify cannot serialize BigInt."
            : /circular|cyclic/i.test(why)
            ? "JSON.stringify cannot serialize cyclic structures."
            : why,
        );
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
  // An error thrown outside the body's promise chain (in a timer callback) is ignored, as the built-in
  // ignores it; handled here so Deno neither prints it nor ends the worker.
  g.addEventListener("error", (e) => e.preventDefault());
  const topConsole = makeConsole(log, true);
  pendingTimers = lockdown(checkStuck).pendingTimers;
}
