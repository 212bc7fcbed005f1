/**
 * Worktree nodes on a remote worker: the request carries the orchestrator's `HEAD` commit (no path);
 * a worker whose checkout is at that commit runs the node in a worktree of its own repository (the
 * journal gets the branch and which worker), and one at another commit fails the node saying both.
 */
import assert from "node:assert/strict";
import { withRepo } from "../_support/git_repo.ts";
import { type LiveWorker, startNatsServer, startWorker } from "../_support/nats.ts";
import { OdwProject, workflowSource } from "../_support/odw.ts";

Deno.test("worktree nodes run on a worker at the run's commit, and fail on one at another", async () => {
  await withRepo(async (repo) => {
    await repo.commit({
      "wf.js": workflowSource(`return await agent("tidy up", { isolation: "worktree" });`),
    });
    const clone = `${repo.dir}-clone`;
    await repo.git("clone", "-q", repo.dir, clone);
    const nats = await startNatsServer();
    let worker: LiveWorker | undefined;
    const project = new OdwProject(repo.dir);
    try {
      worker = await startWorker(new OdwProject(clone), nats.url, "w1");
      const run = await project.odw(["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"], {
        timeoutMs: 90_000,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.json!.nodeCounts && (run.json!.nodeCounts as { completed: number }).completed, 1);
      const journal = await project.readRun(run.json!.runDir as string);
      const finished = journal.events.find((e) => e.type === "node.finished") as unknown as Record<
        string,
        unknown
      >;
      assert.equal(finished.worker, "w1");
      const branch = (finished.worktree as { branch: string }).branch;
      assert.match(branch, /^odw\//);
      assert.ok((await new OdwProject(clone).odw(["worktrees", "--json"])).stdout.includes(branch));

      await repo.commit({ "NEW.md": "moved on\n" }, "orchestrator moves on");
      const moved = await project.odw(["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"], {
        timeoutMs: 90_000,
      });
      assert.equal(moved.code, 0, moved.stderr);
      assert.match(
        (moved.json!.logs as string[]).join("\n"),
        /failed: worker w1: its checkout is at [0-9a-f]{12}, the run's at [0-9a-f]{12} \(check that commit out there\)/,
      );
    } finally {
      await worker?.dispose();
      await nats.dispose();
      await Deno.remove(clone, { recursive: true }).catch(() => undefined);
    }
  });
});
