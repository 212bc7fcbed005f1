// A bug hunt with adversarial verification: hunters look for bugs in each area in parallel, then a
// skeptic tries to refute every reported bug. Only bugs that survive the skeptic are confirmed; a bug
// whose skeptic failed (agent() gave null) is kept apart as unverified, never silently confirmed.
//   scripts/odw exec examples/bug-hunt.js --mock-scenario examples/scenarios/bug-hunt.json
export const meta = {
  name: "bug-hunt",
  description: "Hunt bugs per area in parallel, then let a skeptic try to refute each one",
  whenToUse: "When false positives are costly: every reported bug must survive an adversarial check",
  phases: [{ title: "Hunt" }, { title: "Refute" }],
};

const BUGS = {
  type: "object",
  properties: {
    bugs: {
      type: "array",
      items: {
        type: "object",
        properties: { id: { type: "string" }, file: { type: "string" }, claim: { type: "string" } },
        required: ["id", "file", "claim"],
      },
    },
  },
  required: ["bugs"],
};
const VERDICT = {
  type: "object",
  properties: { refuted: { type: "boolean" }, argument: { type: "string" } },
  required: ["refuted", "argument"],
};
const areas = args?.areas ?? ["parser", "scheduler"];

phase("Hunt");
const hunts = await parallel(
  areas.map((area) => () =>
    agent(`Find real bugs in the ${area}. Give each an id, the file and a one-line claim.`, {
      label: `hunt ${area}`,
      schema: BUGS,
    })
  ),
);
const candidates = hunts.flatMap((hunt, i) => (hunt?.bugs ?? []).map((bug) => ({ ...bug, area: areas[i] })));

phase("Refute");
const verdicts = await parallel(
  candidates.map((bug) => () =>
    agent(
      `You are a skeptic. Try hard to prove this bug report wrong; set refuted only if you can.\n` +
        `${bug.id} in ${bug.file}: ${bug.claim}`,
      { label: `refute ${bug.id}`, schema: VERDICT },
    )
  ),
);

const confirmed = [];
const rejected = [];
const unverified = [];
candidates.forEach((bug, i) => {
  const verdict = verdicts[i];
  if (verdict === null) unverified.push(bug.id);
  else if (verdict.refuted) rejected.push({ id: bug.id, why: verdict.argument });
  else confirmed.push({ id: bug.id, file: bug.file, claim: bug.claim });
});
log(`${confirmed.length} confirmed, ${rejected.length} refuted, ${unverified.length} unverified`);
return { confirmed, rejected, unverified };
