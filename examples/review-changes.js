// Reviews a change along several dimensions, then verifies each finding as soon as its review lands
// (pipeline: no barrier between the review and verify stages). Runs on the mock backend as is:
//   scripts/odw exec examples/review-changes.js --args '{"diff":"git diff main"}'
// and on real runtimes by routing each node (runtime/provider/model options below).
export const meta = {
  name: "review-changes",
  description: "Review changed files across dimensions, verify each finding",
  whenToUse: "Before merging a change: a broad review whose findings are double-checked",
  phases: [{ title: "Review" }, { title: "Verify" }, { title: "Report" }],
};

const FINDINGS = {
  type: "object",
  properties: {
    findings: {
      type: "array",
      items: {
        type: "object",
        properties: {
          title: { type: "string" },
          file: { type: "string" },
          severity: { enum: ["low", "high"] },
        },
        required: ["title", "file", "severity"],
      },
    },
  },
  required: ["findings"],
};
const VERDICT = {
  type: "object",
  properties: { isReal: { type: "boolean" }, reason: { type: "string" } },
  required: ["isReal", "reason"],
};
const DIMENSIONS = [
  { key: "bugs", prompt: "Find correctness bugs in the diff." },
  { key: "perf", prompt: "Find performance regressions in the diff." },
  { key: "security", prompt: "Find security problems in the diff." },
];
const diff = args?.diff ?? "(no diff given)";

const verified = await pipeline(
  DIMENSIONS,
  (d) =>
    agent(`${d.prompt}\n\nDiff:\n${diff}`, {
      label: `review ${d.key}`,
      phase: "Review",
      schema: FINDINGS,
      runtime: "codex",
      effort: "high",
    }),
  (review, d) => {
    if (review === null) throw new Error(`review ${d.key} failed`);
    return parallel(
      review.findings.map((f) => () =>
        agent(`Adversarially verify this finding; is it real?\n${f.title} (${f.file})`, {
          label: `verify ${d.key}: ${f.title}`,
          phase: "Verify",
          schema: VERDICT,
          runtime: "bamboo",
          provider: "deepseek",
        }).then((v) => ({ ...f, dimension: d.key, verdict: v }))
      ),
    );
  },
);

phase("Report");
const confirmed = verified.flat().filter((f) => f?.verdict?.isReal);
log(`${confirmed.length} confirmed finding(s) across ${DIMENSIONS.length} dimensions`);
const summary = await agent(`Write a short review summary of these findings:\n${JSON.stringify(confirmed)}`, {
  label: "summary",
  runtime: "claude",
});
return { confirmed, summary, spent: budget.spent() };
