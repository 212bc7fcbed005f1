// A named child workflow: each issue is triaged by `workflow("triage-issue", …)`, which odw looks up in
// the project's .odw/workflows/triage-issue.js, then .claude/workflows/triage-issue.js (here
// examples/.claude/workflows/, so run it from examples/, the project directory). The children run in
// parallel inside this run: they share its concurrency cap, agent count and budget.
//   cd examples && ../scripts/odw exec triage-inbox.js --mock-scenario scenarios/triage-inbox.json
export const meta = {
  name: "triage-inbox",
  description: "Triage every issue with the named child workflow triage-issue",
  phases: [{ title: "Triage" }],
};

const issues = args?.issues ?? [
  { id: 1, title: "Crash on empty input" },
  { id: 2, title: "Add a dark theme" },
];

phase("Triage");
const triaged = await parallel(issues.map((issue) => () => workflow("triage-issue", { issue })));
const bugs = triaged.filter((t) => t?.kind === "bug").length;
log(`${triaged.length} issues triaged: ${bugs} bug(s)`);
return triaged;
