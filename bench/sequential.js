export const meta = {
  name: "bench-sequential",
  description: "1000 agents one after another, for the per-agent latency benchmark",
};
const n = args?.n ?? 1000;
let done = 0;
for (let i = 0; i < n; i++) {
  if (typeof (await agent(`step ${i}: summarise item ${i}`)) === "string") done++;
}
return { done };
