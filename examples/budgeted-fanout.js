// A fan-out sized by the token budget: notes are written in waves, each wave as large as what is left
// of `--budget` allows at the expected cost per agent, until the budget or the topics run out. Without
// --budget (budget.total is null) every topic is covered in one wave.
//   scripts/odw exec examples/budgeted-fanout.js --budget 1000 --mock-scenario examples/scenarios/budgeted-fanout.json
export const meta = {
  name: "budgeted-fanout",
  description: "Write one note per topic, as many as the token budget allows",
  whenToUse: "Broad research where coverage should stop at a spending limit instead of failing",
  phases: [{ title: "Research" }],
};

const topics = args?.topics ??
  ["parsing", "scheduling", "journaling", "resume", "budgets", "worktrees", "reports", "routing"];
const perAgent = args?.perAgent ?? 300; // expected output tokens of one note

phase("Research");
const covered = [];
let next = 0;
while (next < topics.length) {
  const affordable = budget.total === null ? topics.length : Math.floor(budget.remaining() / perAgent);
  if (affordable < 1) break;
  const wave = topics.slice(next, next + affordable);
  next += wave.length;
  const notes = await parallel(
    wave.map((topic) => () =>
      agent(`Write a five-line note on ${topic} in odw.`, { label: `note ${topic}` })
    ),
  );
  covered.push(...wave.filter((_, i) => notes[i] !== null));
  log(`wave of ${wave.length}: ${budget.spent()} tokens spent, ${budget.remaining()} left`);
}
return { covered, skipped: topics.slice(next), spent: budget.spent(), total: budget.total };
