// The child workflow examples/triage-inbox.js calls by name: classify one issue (args.issue), and for a
// bug draft the first step of a fix. It can also run on its own:
//   cd examples && ../scripts/odw exec .claude/workflows/triage-issue.js --args '{"issue":{"id":7,"title":"x"}}'
export const meta = {
  name: "triage-issue",
  description: "Classify one issue as bug or feature; for a bug, draft the first step of a fix",
  whenToUse: "Called per issue by triage-inbox, or alone with args.issue",
};

const issue = args?.issue ?? { id: 0, title: "(no issue given)" };
const kind = await agent(`Is this issue a bug or a feature request? ${issue.title}`, {
  label: `classify #${issue.id}`,
  schema: {
    type: "object",
    properties: { kind: { type: "string", enum: ["bug", "feature"] } },
    required: ["kind"],
  },
});
if (kind === null) return { id: issue.id, kind: "unknown" };
if (kind.kind !== "bug") return { id: issue.id, kind: kind.kind };
const firstStep = await agent(`Name the first step to fix this bug, in one line: ${issue.title}`, {
  label: `plan #${issue.id}`,
});
return { id: issue.id, kind: "bug", firstStep };
