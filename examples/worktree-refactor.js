// A refactor that edits files in parallel, each agent in its own git worktree (isolation: "worktree"):
// the agents never see each other's edits and your checkout is never written. Each agent's changes are
// committed on its own branch odw/<runId>/<node>; `odw worktrees` lists them, `git merge` takes one.
// Needs a git repository:
//   scripts/odw exec examples/worktree-refactor.js --mock-scenario examples/scenarios/worktree-refactor.json
export const meta = {
  name: "worktree-refactor",
  description: "Rename a function across files, one isolated agent per file",
  whenToUse: "Mechanical edits over many files where parallel agents must not collide",
  phases: [{ title: "Edit" }],
};

const files = args?.files ?? ["src/math.js", "src/text.js"];
const from = args?.from ?? "calc";
const to = args?.to ?? "compute";

phase("Edit");
const summaries = await parallel(
  files.map((file) => () =>
    agent(
      `In ${file}, rename the function ${from} to ${to} and update its uses in that file only. ` +
        `Reply with one line saying what you changed.`,
      { label: `edit ${file}`, isolation: "worktree" },
    )
  ),
);

const edited = files.filter((_, i) => summaries[i] !== null);
log(`${edited.length} of ${files.length} files edited, each on its own branch (see odw worktrees)`);
return files.map((file, i) => ({ file, change: summaries[i] }));
