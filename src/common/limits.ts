/**
 * The run's hard limits as errors, with the built-in runtime's names and messages. Used by the host
 * (agent() refusals) and, stringified, by the sandbox (parallel()/pipeline() check them before
 * starting any slot, as the built-in does). Self-contained for that reason.
 *
 * @module
 */

/** The agent cap and builders of the two limit errors. */
export interface LimitErrors {
  /** Agents a run may start, children included. */
  maxAgents: number;
  /** The 1001st agent() of a run: `WorkflowAgentCapError`. */
  agentCap(): Error;
  /** The output-token ceiling reached: `WorkflowBudgetExceededError`. */
  budgetExceeded(spent: number, total: number): Error;
}

/** Creates the builders (a function, so the sandbox can receive it as source text). */
export function limitErrors(): LimitErrors {
  const maxAgents = 1000;
  const named = (name: string, message: string): Error => {
    const error = new Error(message);
    error.name = name;
    return error;
  };
  return {
    maxAgents,
    agentCap: () =>
      named(
        "WorkflowAgentCapError",
        `Workflow agent() call cap reached (${maxAgents}). This usually means a loop using budget.remaining() never ` +
          "terminates because no token budget was set \u2014 remaining() returns Infinity when budget.total is " +
          "null. Add a hard iteration cap to the loop, or pass a token budget.",
      ),
    budgetExceeded: (spent, total) =>
      named(
        "WorkflowBudgetExceededError",
        `Workflow token budget exceeded (${spent.toLocaleString("en-US")} / ${
          total.toLocaleString("en-US")
        } ` +
          "output tokens). Stopping further agent() calls. In-flight agents will complete; their results are " +
          "preserved.",
      ),
  };
}

/** Agents a run may start, children included. */
export const MAX_AGENTS_PER_RUN: number = limitErrors().maxAgents;
