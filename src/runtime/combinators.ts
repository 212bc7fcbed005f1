/**
 * `parallel()` and `pipeline()` as the workflow sees them, with the built-in runtime's exact
 * behaviour: the same argument errors, the 4096-item cap, failures turned into `null` slots and
 * logged as `parallel[i] failed: …` / `pipeline[i] failed: …` in index order once all slots settled,
 * and budget-exceeded slots dropped to `null` silently. A pipeline item whose value becomes `null`
 * skips its remaining stages. A non-empty call first checks the agent cap and the budget, and throws
 * like agent() when either is spent. Like the built-in, both start their slots on the next macrotask.
 *
 * Self-contained (no imports at run time): the host stringifies it into the worker source.
 *
 * @module
 */

/** What the combinators need from the runtime. */
export interface CombinatorDeps {
  log(message: string): void;
  /** Throws when the run may start no more agents (agent cap, budget), as agent() would. */
  assertCanStartAgents(): void;
  /** Resolves on the next macrotask: the built-in starts slots only after the caller's microtasks ran. */
  nextTick(): Promise<void>;
}

/** The two combinators. */
export interface Combinators {
  parallel(thunks: unknown): Promise<unknown[]>;
  pipeline(items: unknown, ...stages: unknown[]): Promise<unknown[]>;
}

/** Builds `parallel` and `pipeline` around the runtime's `log`. */
export function makeCombinators(deps: CombinatorDeps): Combinators {
  const MAX_ITEMS = 4096;
  const capped = (list: unknown[]): unknown[] => {
    if (list.length > MAX_ITEMS) {
      throw new Error(
        `array length ${list.length} exceeds the maximum of ${MAX_ITEMS} supported across the workflow VM boundary`,
      );
    }
    return [...list];
  };
  /** The failure text the built-in logs: a string as is, an object's string message, else a marker. */
  const messageOf = (e: unknown): string => {
    if (typeof e === "string") return e;
    const message = e !== null && typeof e === "object" ? (e as { message?: unknown }).message : undefined;
    return typeof message === "string" ? message : "<non-string error>";
  };
  const isBudgetStop = (e: unknown): boolean =>
    e instanceof Error && e.name === "WorkflowBudgetExceededError";
  /** Values in order; each failure logged (in index order) and turned into null. */
  const collect = (settled: PromiseSettledResult<unknown>[], what: string): unknown[] =>
    settled.map((slot, index) => {
      if (slot.status === "fulfilled") return slot.value;
      if (!isBudgetStop(slot.reason)) deps.log(`${what}[${index}] failed: ${messageOf(slot.reason)}`);
      return null;
    });

  const parallel = async (thunks: unknown): Promise<unknown[]> => {
    await deps.nextTick();
    if (!Array.isArray(thunks)) throw new TypeError("parallel() expects an array of functions");
    const list = capped(thunks);
    if (list.length === 0) return [];
    deps.assertCanStartAgents();
    for (const thunk of list) {
      if (typeof thunk !== "function") {
        throw new TypeError(
          "parallel() expects an array of functions, not promises. Wrap each call: () => agent(...)",
        );
      }
    }
    const settled = await Promise.allSettled(
      list.map((thunk) => {
        try {
          return Promise.resolve((thunk as () => unknown)());
        } catch (e) {
          return Promise.reject(e);
        }
      }),
    );
    return collect(settled, "parallel");
  };

  const pipeline = async (items: unknown, ...stages: unknown[]): Promise<unknown[]> => {
    await deps.nextTick();
    if (!Array.isArray(items)) throw new TypeError("pipeline() expects an array as the first argument");
    const list = capped(items);
    if (list.length === 0) return [];
    deps.assertCanStartAgents();
    for (const stage of stages) {
      if (typeof stage !== "function") {
        throw new TypeError(
          "pipeline() stages must be functions: pipeline(items, item => ..., result => ...)",
        );
      }
    }
    const settled = await Promise.allSettled(list.map(async (item, index) => {
      let value: unknown = await item;
      for (const stage of stages as Array<(prev: unknown, item: unknown, index: number) => unknown>) {
        if (value === null) break;
        value = await stage(value, item, index);
      }
      return value;
    }));
    return collect(settled, "pipeline");
  };

  return { parallel, pipeline };
}
