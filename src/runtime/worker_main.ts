/**
 * The workflow runtime inside the sandboxed Worker: the injected primitives (`agent`, `parallel`,
 * `pipeline`, `phase`, `log`, `args`, `budget`, `workflow`) and the evaluation of the script body, on
 * top of the core (`core.ts`: the private channel, pending calls, compiler).
 *
 * What is here runs on the script's side of the realm and may use the built-ins as the script left
 * them: a script that breaks them changes only what it sends itself, which the host validates again.
 * The limits it checks (prompt and result size, name length) mirror the host's, so a script gets the
 * error from its own call instead of a failed run.
 *
 * Self-contained (no imports at run time; types are erased): the host stringifies it into the worker
 * source.
 *
 * @module
 */
import type { CallSiteRef, ProtocolLimits, WireError } from "../protocol.ts";
import type { CombinatorDeps, Combinators } from "./combinators.ts";
import type { Compiled, CoreParts, RuntimeCore } from "./core.ts";
import type { HostValues } from "./host_values.ts";
import type { LimitErrors } from "../common/limits.ts";
import type { RingEnds } from "./ring.ts";
import type { ValueHelpers } from "./values.ts";

/** The other runtime modules, passed in as functions (the worker source is one stringified module). */
export interface RuntimeParts {
  makeRuntimeCore: (parts: CoreParts) => RuntimeCore;
  lockdown: (onTimerSettled: () => void) => { pendingTimers(): number };
  makeCombinators: (deps: CombinatorDeps) => Combinators;
  limitErrors: () => LimitErrors;
  makeConsole: (log: (message: string) => void, install?: boolean) => Record<string, unknown>;
  makeValueHelpers: () => ValueHelpers;
  makeRings: () => RingEnds;
  makeFrameWriter: (writeSync: (bytes: Uint8Array) => number) => (text: string) => void;
  makeHostValues: () => HostValues;
  makeCallSite: () => () => CallSiteRef | undefined;
  utf8Length: (text: string) => number;
  clipLogLine: (line: string) => string;
}

/** Starts the runtime: builds the core before anything else, then serves the script. */
export function workerMain(parts: RuntimeParts): void {
  const values = parts.makeValueHelpers();
  // The global Deno is gone once the lockdown ran; its stdout's write is bound here, before any script.
  const stdout = Deno.stdout;
  const core = parts.makeRuntimeCore({
    rings: parts.makeRings(),
    writeFrame: parts.makeFrameWriter(stdout.writeSync.bind(stdout)),
    fromHost: parts.makeHostValues(),
    utf8Length: parts.utf8Length,
  });
  const { makeCombinators, limitErrors, makeConsole, utf8Length, clipLogLine } = parts;
  const callSite = parts.makeCallSite();
  const SafePromise = Promise;
  const rejected = (error: unknown): Promise<never> => new SafePromise((_, reject) => reject(error));
  let currentPhase: string | undefined;
  let limits: Partial<ProtocolLimits> = {};
  let budgetTotal: number | null = null;

  const log = (message: unknown): void => core.sendLog(clipLogLine(values.textOf(message)));
  const phase = (title: unknown): void => {
    currentPhase = values.textOf(title);
    core.sendPhase(clipLogLine(currentPhase));
  };
  /** Throws the host's error when `text` is over `max` bytes of UTF-8 (counted only when it may be). */
  const assertBytes = (text: string, max: number | undefined, what: (bytes: number) => string): void => {
    if (max === undefined || text.length * 3 <= max) return;
    const bytes = utf8Length(text);
    if (bytes > max) throw core.limitError(what(bytes));
  };

  // Stuck detection: once nothing is pending (no agent or child-workflow reply, no timer, no tick of
  // the runtime's) and the microtasks have drained, no event can ever settle the script's promise.
  let pendingTicks = 0;
  let pendingTimers = () => 0;
  let checkQueued = false;
  const checkStuck = (): void => {
    if (checkQueued || core.finished() || !core.started()) return;
    checkQueued = true;
    core.onNextTask(() => {
      checkQueued = false;
      if (core.finished() || core.pending() > 0 || pendingTimers() > 0 || pendingTicks > 0) return;
      core.finishFailed({
        name: "Error",
        message: "the workflow is stuck: it awaits a promise that nothing can settle " +
          "(no agent, child workflow or timer is pending)",
      });
    });
  };
  /** The next task (counts as pending work for the stuck detection). */
  const nextTick = () =>
    new SafePromise<void>((resolve) => {
      pendingTicks++;
      core.onNextTask(() => {
        pendingTicks--;
        resolve();
        checkStuck();
      });
    });

  // A mirror of the host's limits, for parallel()/pipeline()'s check before they start any slot.
  let agentCalls = 0;
  const limitErrorsOf = limitErrors();
  const assertCanStartAgents = () => {
    if (agentCalls >= limitErrorsOf.maxAgents) throw limitErrorsOf.agentCap();
    const spent = core.spent();
    if (budgetTotal !== null && budgetTotal > 0 && spent >= budgetTotal) {
      throw limitErrorsOf.budgetExceeded(spent, budgetTotal);
    }
  };
  const { parallel, pipeline } = makeCombinators({ log, assertCanStartAgents, nextTick });

  /** `agent` for the top level (`childPhase` undefined) or a child, whose agents all get its phase. */
  const makeAgent =
    (scope: string, childPhase?: string) => (prompt: unknown, opts?: unknown): Promise<unknown> => {
      try {
        const options = values.checkOptions(opts);
        if (childPhase !== undefined) options.phase = childPhase;
        else if (options.phase === undefined && currentPhase !== undefined) options.phase = currentPhase;
        const text = values.textOf(prompt);
        assertBytes(
          text,
          limits.maxPromptBytes,
          (bytes) => `agent() prompt is ${bytes} bytes of UTF-8; the limit is ${limits.maxPromptBytes} bytes`,
        );
        agentCalls++;
        return core.requestAgent(text, options, scope, callSite());
      } catch (e) {
        return rejected(e);
      }
    };
  const makeBudget = (total: number | null) =>
    Object.freeze({
      total,
      spent: () => core.spent(),
      remaining: () => (total === null ? Infinity : Math.max(0, total - core.spent())),
    });
  const sandboxImport = (_specifier: unknown): Promise<never> =>
    rejected(new Error("import() is not available in workflow scripts."));
  const nestedRefusal = () =>
    rejected(
      new Error(
        "workflow() cannot be called from within a child workflow \u2014 nesting is limited to one level. " +
          "Inline the inner script or call its agents directly.",
      ),
    );

  const childRuns = new Map<string, number>();
  /** Runs a child whose body the host sent; resolves with its result as the parent receives it. */
  const runChild = async (
    fn: Compiled,
    name: string,
    scope: string,
    childArgs: unknown,
  ): Promise<unknown> => {
    const run = (childRuns.get(name) ?? 0) + 1;
    childRuns.set(name, run);
    const childPhase = `\u25b8 ${name}${run > 1 ? ` #${run}` : ""}`;
    log(`\u25b8 running dynamic workflow ${name}`);
    try {
      const value = await fn(
        makeAgent(scope, childPhase),
        parallel,
        pipeline,
        () => {},
        (message: unknown) => log(`[${name}] ${values.textOf(message)}`),
        childArgs === undefined ? undefined : values.cloneValue(childArgs),
        makeBudget(budgetTotal),
        nestedRefusal,
        sandboxImport,
        makeConsole((message: string) => log(`[${name}] ${message}`)),
        undefined,
      );
      const copy = values.cloneValue(value);
      // The built-in hands the result back on a later turn, so children started together interleave.
      await nextTick();
      log(`\u25b8 ${name} done`);
      return copy;
    } catch (e) {
      // The parent gets what the built-in hands it: an error made outside the script's realm, with the
      // child's name and message (so not `instanceof Error`, and a thrown string becomes an object).
      const wire = values.toWire(e);
      log(`\u25b8 ${name} failed: ${wire.message ? `${wire.name}: ${wire.message}` : wire.name}`);
      throw values.foreignError(wire);
    }
  };
  const workflow = (ref: unknown, childArgs?: unknown): Promise<unknown> => {
    const site = callSite();
    const scriptPath = typeof ref === "object" && ref !== null
      ? (ref as { scriptPath?: unknown }).scriptPath
      : undefined;
    if (typeof ref !== "string" && typeof scriptPath !== "string") {
      return rejected(new TypeError("workflow() expects a workflow name (string) or {scriptPath: string}"));
    }
    const text = typeof ref === "string" ? ref : scriptPath as string;
    if (limits.maxRefChars !== undefined && text.length > limits.maxRefChars) {
      return rejected(
        core.limitError(`workflow(): the name or scriptPath is longer than ${limits.maxRefChars} characters`),
      );
    }
    const wire = typeof ref === "string" ? ref : { scriptPath: text };
    return core.requestChild(wire, site, (fn, name, scope) => runChild(fn, name, scope, childArgs));
  };

  /** An error as it leaves: long texts cut (the host reads only the first line of the message). */
  const clipWire = (wire: WireError): WireError => {
    const out: WireError = { name: wire.name.slice(0, 1024), message: wire.message.slice(0, 65_536) };
    if (wire.stack !== undefined && wire.stack.length <= 65_536) out.stack = wire.stack;
    return out;
  };
  let topConsole: Record<string, unknown> = {};
  const runTop = async (fn: Compiled, start: unknown): Promise<void> => {
    const field = (key: string) => (start as Record<string, unknown>)[key];
    limits = (field("limits") ?? {}) as Partial<ProtocolLimits>;
    const total = field("budgetTotal");
    budgetTotal = typeof total === "number" ? total : null;
    try {
      const result = await fn(
        makeAgent(""),
        parallel,
        pipeline,
        phase,
        log,
        field("hasArgs") === true ? field("args") : undefined,
        makeBudget(budgetTotal),
        workflow,
        sandboxImport,
        topConsole,
        undefined,
      );
      const json = values.resultJson(result);
      if (json !== undefined) {
        assertBytes(
          json,
          limits.maxResultBytes,
          (bytes) =>
            `the workflow result is ${bytes} bytes of JSON; the limit is ${limits.maxResultBytes} bytes`,
        );
      }
      core.finishDone(json);
    } catch (e) {
      core.finishFailed(clipWire(values.toWire(e)));
    }
  };

  core.boot({
    afterBoot: () => {
      topConsole = makeConsole(log, true);
      pendingTimers = parts.lockdown(checkStuck).pendingTimers;
    },
    onStart: (fn, start) => void runTop(fn, start),
    afterMessage: checkStuck,
  });
}
