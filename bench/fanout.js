export const meta = {
  name: "bench-fanout",
  description: "1000 agents in one parallel() call, for the overhead benchmark",
};
const n = args?.n ?? 1000;
const results = await parallel(
  Array.from({ length: n }, (_, i) => () => agent(`task ${i}: summarise item ${i}`)),
);
return { done: results.filter((r) => typeof r === "string").length };
