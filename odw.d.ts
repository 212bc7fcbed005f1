// deno-lint-ignore-file no-explicit-any -- typings for plain-JS workflows: args, child results and untyped schemas are `any` on purpose
/**
 * Editor typings for odw workflow scripts: the globals a workflow sees (`agent`, `parallel`,
 * `pipeline`, `phase`, `log`, `args`, `budget`, `workflow`). They describe the same contract as
 * Claude Code's built-in Workflow tool, plus odw's routing options.
 *
 * Use them from a workflow file with two comment lines at its top:
 *
 * ```js
 * // @ts-check
 * /// <reference path="../odw.d.ts" />
 * export const meta = { name: "hello", description: "Says hello" };
 * const text = await agent("Say hello", { label: "greet" });
 * // @ts-ignore: top-level return is how a workflow gives its result (TypeScript rejects it in files)
 * return text;
 * ```
 *
 * With `schema`, `agent()` resolves to an object typed from the schema when the schema is written
 * inline (`{ type: "object", properties: { verdict: { type: "string" } }, required: ["verdict"] }`
 * gives `{ verdict: string }`); other schemas give `Record<string, any>`. Named types live in the
 * `odw` namespace, e.g. a JSDoc `@type {odw.AgentOptions}`.
 *
 * @module
 */

declare namespace odw {
  /** Reasoning effort asked of the agent. */
  type Effort = "low" | "medium" | "high" | "xhigh" | "max";

  /** The executor that runs an agent (odw routing). */
  type Runtime = "claude" | "codex" | "bamboo";

  /** A JSON Schema as accepted by `agent()`: the root must be `{ type: "object", properties }`. */
  interface JsonSchema {
    type?: string | readonly string[];
    properties?: { readonly [name: string]: JsonSchema };
    required?: readonly string[];
    items?: JsonSchema;
    enum?: readonly unknown[];
    description?: string;
    [keyword: string]: unknown;
  }

  /** Options of `agent()`. All are optional. */
  interface AgentOptions {
    /** Short name shown in logs and the report (`[label] failed: ...`). */
    label?: string;
    /** Phase this agent belongs to, instead of the current `phase()`. */
    phase?: string;
    /**
     * JSON Schema of the expected answer. With it, `agent()` resolves to an object that validates
     * against it (the agent is asked again with the errors on a mismatch). The root must be
     * `{ type: "object", properties: {...} }` and `required` names must be properties, else `agent()`
     * throws.
     */
    schema?: JsonSchema;
    /** Model to use (executor-specific name). */
    model?: string;
    /** Reasoning effort. */
    effort?: Effort;
    /**
     * `"worktree"`: run in a git worktree of a snapshot of the current tree (uncommitted changes included);
     * the agent's changes are committed on branch `odw/<runId>/<node>` (see `odw worktrees`). Outside a git
     * repository `agent()` throws `WorktreeIsolationError`.
     */
    isolation?: "worktree";
    /** Agent type (a named sub-agent definition). */
    agentType?: string;
    /** odw: executor for this agent. */
    runtime?: Runtime;
    /** odw: bamboo provider (`deepseek`, `kimi`, `qwen`, `zhipu`, `minimax`, `openrouter`, ...). */
    provider?: string;
    /** odw: time limit for this agent, as milliseconds or a duration text (`"90s"`, `"5m"`). */
    timeout?: string | number;
    /** odw: kill a try that shows no sign of life for this long (default 5 min); it is retried. */
    stallTimeout?: string | number;
    /** odw: extra tries for retryable failures (rate limit, 5xx, network, stall); default 2. */
    retries?: number;
  }

  /** The value an inline schema describes (best-effort; anything unusual becomes `any`). */
  type FromSchema<S> = S extends { enum: readonly (infer E)[] } ? E
    : S extends { type: "string" } ? string
    : S extends { type: "number" | "integer" } ? number
    : S extends { type: "boolean" } ? boolean
    : S extends { type: "null" } ? null
    : S extends { type: "array"; items: infer I } ? FromSchema<I>[]
    : S extends { type: "array" } ? any[]
    : S extends { type: "object"; properties: infer P } ? ObjectFromSchema<P, RequiredOf<S>>
    : S extends { type: "object" } ? Record<string, any>
    : any;

  /** The names listed in a schema's `required`. */
  type RequiredOf<S> = S extends { required: readonly (infer R)[] } ? R : never;

  /** An object type from `properties` and the `required` names (the others are optional). */
  type ObjectFromSchema<P, R> = Flatten<
    & { -readonly [K in keyof P as K extends R ? K : never]: FromSchema<P[K]> }
    & { -readonly [K in keyof P as K extends R ? never : K]?: FromSchema<P[K]> }
  >;

  /** Shows an intersection as one object type in editors. */
  type Flatten<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

  /** What `parallel()` resolves to: each thunk's awaited value, or `null` where it failed. */
  type Settled<T extends ReadonlyArray<() => unknown>> = {
    -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> | null;
  };

  /** A pipeline stage: called with the previous stage's value, the original item and its index. */
  type Stage<In, Out, Item> = (previous: In, item: Item, index: number) => Out | Promise<Out>;

  /** The token budget of the run. */
  interface Budget {
    /** The run's token ceiling (`--budget`), or null when there is none. */
    readonly total: number | null;
    /** Output tokens used so far by every agent of the run (child workflows included). */
    spent(): number;
    /** `total - spent()`, or `Infinity` when there is no ceiling. */
    remaining(): number;
  }

  /** A child workflow given by path instead of by name. */
  interface WorkflowRef {
    /** Path of the workflow script. */
    scriptPath: string;
  }
}

/**
 * Runs one agent on `prompt`. With `opts.schema` it resolves to an object validating against the
 * schema. It resolves to `null` when the agent fails for good (executor error after retries, invalid
 * output after all tries, timeout, skip) and logs `[label] failed: <message>`. It throws only for
 * programming errors: a bad schema, bad argument types, the budget ceiling, the 1000-agent limit.
 */
declare function agent<const S extends odw.JsonSchema>(
  prompt: string,
  opts: odw.AgentOptions & { schema: S },
): Promise<odw.FromSchema<S> | null>;
/**
 * Runs one agent on `prompt` and resolves to its final text, or `null` when it fails for good (the
 * run logs `[label] failed: <message>`). Pass `opts.schema` to get a structured object instead.
 */
declare function agent(
  prompt: string,
  opts?: odw.AgentOptions & { schema?: undefined },
): Promise<string | null>;
/** Runs one agent with options only known at run time: its text, its structured object, or `null`. */
declare function agent(prompt: string, opts?: odw.AgentOptions): Promise<any>;

/**
 * Calls every function of `thunks` and waits for all of them (a barrier); results come back in input
 * order. Never rejects: a thunk that throws gives `null` in its slot and logs
 * `parallel[<index>] failed: <message>`. Pass functions, not promises: `() => agent(...)`.
 * At most 4096 items.
 */
declare function parallel<const T extends ReadonlyArray<() => unknown>>(thunks: T): Promise<odw.Settled<T>>;

/**
 * Sends each item through the stages on its own, with no barrier between stages. A stage is called
 * `stage(previousValue, originalItem, index)`; the first stage gets the item itself. A stage that throws
 * makes that item's result `null` and logs `pipeline[<index>] failed: <message>`. With no stages it
 * resolves to the items. At most 4096 items.
 */
declare function pipeline<Item>(items: readonly Item[]): Promise<Item[]>;
declare function pipeline<Item, A>(
  items: readonly Item[],
  s1: odw.Stage<Item, A, Item>,
): Promise<Array<A | null>>;
declare function pipeline<Item, A, B>(
  items: readonly Item[],
  s1: odw.Stage<Item, A, Item>,
  s2: odw.Stage<A, B, Item>,
): Promise<Array<B | null>>;
declare function pipeline<Item, A, B, C>(
  items: readonly Item[],
  s1: odw.Stage<Item, A, Item>,
  s2: odw.Stage<A, B, Item>,
  s3: odw.Stage<B, C, Item>,
): Promise<Array<C | null>>;
declare function pipeline<Item>(
  items: readonly Item[],
  ...stages: Array<odw.Stage<any, any, Item>>
): Promise<any[]>;

/** Starts a phase: the agents started after it belong to `title` (unless they pass `phase`). */
declare function phase(title: string): void;

/** Appends a line to the run's log, shown live and kept in the run record. */
declare function log(message: unknown): void;

/** The JSON value given on the command line (`--args`), verbatim; `undefined` when none was given. */
declare const args: any;

/** The run's token budget, shared with child workflows. When the ceiling is reached `agent()` throws. */
declare const budget: odw.Budget;

/**
 * Runs another workflow inside this run and resolves to its return value. `nameOrRef` is a name
 * (`.odw/workflows/NAME.js`, then `.claude/workflows/NAME.js`) or `{ scriptPath }`. The child gets
 * `args` as its own args and shares the run's concurrency cap, agent counter, budget and cancellation.
 * An unknown name throws; nesting is one level (calling it inside a child throws).
 */
declare function workflow(nameOrRef: string | odw.WorkflowRef, args?: unknown): Promise<any>;
