/**
 * The local dispatcher: nodes run in this process's {@link NodeRunner}, at most `capacity` at a time
 * (the run's global cap, a FIFO {@link Scheduler}). A node first waits for its slot, then is admitted
 * (its budget allowance reserved), then runs; the slot is given back when it ends.
 *
 * @example
 * ```ts
 * const dispatcher = new LocalDispatcher(new NodeRunner(backend, projectDir), new Scheduler(4));
 * const result = await dispatcher.dispatch(spec, { signal, admit: async () => undefined, started() {} });
 * ```
 * @module
 */
import type { NodeResult, NodeSpec } from "../common/contract.ts";
import type { Dispatcher, DispatchHooks } from "./dispatch.ts";
import type { NodeRunner } from "./node_runner.ts";
import type { Scheduler } from "./scheduler.ts";

/** Runs nodes in-process under the run's concurrency cap. */
export class LocalDispatcher implements Dispatcher {
  readonly runner: NodeRunner;
  readonly scheduler: Scheduler;

  constructor(runner: NodeRunner, scheduler: Scheduler) {
    this.runner = runner;
    this.scheduler = scheduler;
  }

  async dispatch(spec: NodeSpec, hooks: DispatchHooks): Promise<NodeResult> {
    const release = await this.scheduler.acquire();
    try {
      const maxOutputTokens = await hooks.admit(this.scheduler.capacity - this.scheduler.running + 1);
      hooks.started();
      return await this.runner.run(spec, { signal: hooks.signal, maxOutputTokens });
    } finally {
      release();
    }
  }
}
