/**
 * The local dispatcher: nodes run in this process's {@link NodeRunner}, at most `capacity` at a time
 * (the run's global cap, a FIFO {@link Scheduler}), and at most the configured number per runtime and
 * per provider. A node first waits for its runtime's and provider's slots, then for a global slot (so a
 * node held back by its provider's cap never blocks a global slot others could use), then is admitted
 * (its budget allowance reserved), then runs; the slots are given back when it ends.
 *
 * @example
 * ```ts
 * const dispatcher = new LocalDispatcher(new NodeRunner(backend, projectDir), new Scheduler(4));
 * const result = await dispatcher.dispatch(spec, { signal, admit: async () => undefined, started() {} });
 * ```
 * @module
 */
import { nodeError, type NodeResult, type NodeSpec, resultWithoutTries } from "../common/contract.ts";
import type { Dispatcher, DispatchHooks } from "./dispatch.ts";
import type { NodeRunner } from "./node_runner.ts";
import { Scheduler } from "./scheduler.ts";

/** Caps on concurrent nodes per runtime and per provider (`.odw/config.json` "concurrency"). */
export interface RouteCaps {
  runtimes?: Record<string, number>;
  providers?: Record<string, number>;
}

/** What runs a node once it holds its slot: a {@link NodeRunner}, or a stand-in for a remote worker. */
export type SlotRunner = Pick<NodeRunner, "run" | "preflight">;

/** Runs nodes in-process under the run's concurrency cap. */
export class LocalDispatcher implements Dispatcher {
  readonly runner: SlotRunner;
  readonly scheduler: Scheduler;
  readonly #caps: RouteCaps;
  readonly #routeSchedulers = new Map<string, Scheduler>();

  constructor(runner: SlotRunner, scheduler: Scheduler, caps: RouteCaps = {}) {
    this.runner = runner;
    this.scheduler = scheduler;
    this.#caps = caps;
  }

  /** The capped schedulers a node must pass: its runtime's, then its provider's (when capped). */
  #routeGates(spec: NodeSpec): Scheduler[] {
    const gates: Scheduler[] = [];
    const gate = (id: string, cap: number | undefined) => {
      if (cap === undefined) return;
      let scheduler = this.#routeSchedulers.get(id);
      if (!scheduler) this.#routeSchedulers.set(id, scheduler = new Scheduler(cap));
      gates.push(scheduler);
    };
    if (spec.runtime) gate(`runtime:${spec.runtime}`, this.#caps.runtimes?.[spec.runtime]);
    if (spec.provider) gate(`provider:${spec.provider}`, this.#caps.providers?.[spec.provider]);
    return gates;
  }

  async dispatch(spec: NodeSpec, hooks: DispatchHooks): Promise<NodeResult> {
    await this.runner.preflight(spec); // before any slot, reservation or node.started
    const releases: Array<() => void> = [];
    try {
      for (const gate of this.#routeGates(spec)) releases.push(await gate.acquire());
      return await this.#dispatchWithSlot(spec, hooks);
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  async #dispatchWithSlot(spec: NodeSpec, hooks: DispatchHooks): Promise<NodeResult> {
    const release = await this.scheduler.acquire();
    try {
      // The run ended (or was cancelled) while this node waited: it never starts.
      if (hooks.signal.aborted) return notStarted();
      const maxOutputTokens = await hooks.admit(this.scheduler.capacity - this.scheduler.running + 1);
      hooks.started();
      return await this.runner.run(spec, { signal: hooks.signal, maxOutputTokens });
    } finally {
      release();
    }
  }
}

/** The result of a node the run's end overtook before it started: cancelled, nothing spent. */
function notStarted(): NodeResult {
  return resultWithoutTries("cancelled", nodeError("cancelled", "cancelled before it started"));
}
