/**
 * `odw worktrees [list|prune]`: the branches worktree nodes left in the current repository
 * (`odw/<runId>/<node>`): `list` (the default) shows run, node, label, diff stat, date and state;
 * `prune` deletes them (all, or `--run <id>`), removing worktrees left by killed runs and keeping
 * those of nodes still running unless `--force`. Exit codes: 0 done, 1 git failed, 2 bad usage or not
 * in a git repository.
 *
 * @module
 */
import { UsageError } from "../common/cli_kit.ts";
import { jsonForTerminal, terminalLine } from "../common/terminal_text.ts";
import { isSafeRunId } from "../git/branch_name.ts";
import { GitError, repoTop } from "../git/git.ts";
import { listOdwBranches, type OdwBranch, pruneOdwBranches } from "../git/worktree_list.ts";
import { parseCommandArgs } from "./argv.ts";

/** Help text of `odw worktrees`. */
export const WORKTREES_HELP = `Usage: odw worktrees [list|prune] [options]

Branches left by isolation: "worktree" nodes (odw/<runId>/<node>) in the current git repository.

  list                     run, node, label, changes, date, state (default)
  prune                    delete the branches (and worktrees left by killed runs)

Options:
  --run <id>               only this run's branches
  --force                  prune: also branches whose node is still running
  --json                   list: print one JSON array
  -h, --help               this help

States: kept (node ended; its changes are on the branch), in use (a live odw process runs the node),
stale (a worktree left behind by an odw process that is gone; prune removes it).`;

/** Runs `odw worktrees`; returns the exit code. */
export async function worktreesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("worktrees", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      run: { type: "string" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(WORKTREES_HELP);
    return 0;
  }
  const [action = "list", ...extra] = positionals;
  if (action !== "list" && action !== "prune") {
    throw new UsageError(`unknown worktrees action "${action}" (use list or prune)`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const runId = values.run;
  if (runId !== undefined && !isSafeRunId(runId)) {
    throw new UsageError(`--run expects a run id like 20261125-143012-3f9a1c, got "${runId}"`);
  }
  if (values.force && action !== "prune") throw new UsageError("--force goes with prune");
  if (values.json && action !== "list") throw new UsageError("--json goes with list");
  try {
    const top = await repoTop(Deno.cwd());
    if (top === null) throw new UsageError(`not in a git repository: ${Deno.cwd()}`);
    if (action === "list") printList(await listOdwBranches(top, { runId }), values.json);
    else {
      const { deleted, inUse } = await pruneOdwBranches(top, { runId, force: values.force });
      const scope = runId ? ` of run ${runId}` : "";
      console.log(
        deleted.length === 0
          ? `no odw branches${scope} to prune`
          : `deleted ${deleted.length} branch${deleted.length === 1 ? "" : "es"}${scope}`,
      );
      if (inUse.length > 0) {
        console.log(`kept ${inUse.length} in use (their nodes are still running; --force removes them)`);
      }
    }
    return 0;
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    console.error(`odw: worktrees ${action}: ${e.message}`);
    return 1;
  }
}

function changes(row: OdwBranch): string {
  const stat = row.diffStat;
  if (stat === null) return "?";
  return `${stat.filesChanged} file${
    stat.filesChanged === 1 ? "" : "s"
  } +${stat.insertions} -${stat.deletions}`;
}

function printList(rows: OdwBranch[], json: boolean): void {
  if (json) {
    console.log(jsonForTerminal(rows));
    return;
  }
  if (rows.length === 0) {
    console.log("no odw branches");
    return;
  }
  const table = [["RUN", "NODE", "LABEL", "CHANGES", "DATE", "STATE"]];
  for (const row of rows) {
    const label = terminalLine(row.label ?? "-");
    table.push([
      row.runId,
      row.node,
      label.length > 40 ? `${label.slice(0, 39)}…` : label,
      changes(row),
      row.date.replace("T", " ").slice(0, 19),
      row.state,
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
}
