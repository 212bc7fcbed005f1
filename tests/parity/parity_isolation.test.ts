/**
 * Parity of `isolation` with Claude Code's built-in Workflow runtime (claude 2.1.328), outside a git
 * repository (the harness runs both in a fresh temporary directory): `agent({isolation: "worktree"})`
 * throws a catchable `WorktreeIsolationError` whose message starts the same way (the built-in goes on
 * about its WorktreeCreate hooks, odw names the directory), before any agent runs; an isolation value
 * other than `"worktree"` is ignored by both.
 *
 * @module
 */
import { completed, expectParity, parityTest } from "./expect.ts";

parityTest(
  "isolation outside a git repository: WorktreeIsolationError; unknown values ignored",
  () =>
    expectParity(
      `try { await agent("x", { isolation: "worktree" }); } catch (e) { log(e.name + ": " + e.message.slice(0, 53)); }
return await agent("y", { isolation: "bogus" });`,
      { replies: [{ prompt: "^y$", reply: "Y" }] },
      completed("Y", ["WorktreeIsolationError: Cannot create agent worktree: not in a git repository"], 2),
    ),
);
