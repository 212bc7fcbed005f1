// @ts-check
/// <reference path="../odw.d.ts" />
// A typed workflow: the two lines above let an editor (or `deno check examples/typed.js`) check every
// call of agent/parallel/pipeline/phase/log/budget/workflow against odw.d.ts.
// Run it: odw exec examples/typed.js --args '{"files":["src/a.ts","src/b.ts"]}'
export const meta = {
  name: "typed-review",
  description: "Reviews a few files in parallel, then drafts one fix per flagged file",
  whenToUse: "As a template for workflows written with editor type checking",
  phases: [
    { title: "Review", detail: "One reviewer per file, structured verdicts" },
    { title: "Fix", detail: "A fix proposal for each flagged file" },
  ],
};

/** @type {string[]} */
const files = args?.files ?? ["README.md"];

phase("Review");
const reviews = await parallel(
  files.map((file) => () =>
    agent(`Review ${file} for bugs. Answer with a verdict and the issues you found.`, {
      label: `review ${file}`,
      effort: "medium",
      schema: {
        type: "object",
        properties: {
          verdict: { type: "string", enum: ["ok", "needs-fix"] },
          issues: { type: "array", items: { type: "string" } },
        },
        required: ["verdict", "issues"],
      },
    })
  ),
);

// Each review is typed from the inline schema: { verdict: "ok" | "needs-fix"; issues: string[] } | null
const flagged = files.filter((_, index) => reviews[index]?.verdict === "needs-fix");
log(`${flagged.length} of ${files.length} files need a fix (${budget.remaining()} tokens left)`);

phase("Fix");
const fixes = await pipeline(
  flagged,
  (file) => files.indexOf(file),
  (index, file) =>
    agent(`Propose a minimal fix for ${file}: ${reviews[index]?.issues.join("; ")}`, {
      label: `fix ${file}`,
    }),
);

// @ts-ignore: top-level `return` is how a workflow gives its result; TypeScript only allows it in functions
return { reviewed: files.length, flagged, fixes };
