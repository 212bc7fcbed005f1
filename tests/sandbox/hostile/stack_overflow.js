export const meta = {
  name: "hostile-stack-overflow",
  description:
    "Overflows the stack: args.kind picks plain recursion, a result whose getter recurses while the runtime copies it, or a result nested 200000 deep.",
};
const kind = args?.kind ?? "recursion";
if (kind === "recursion") {
  const down = (n) => down(n + 1) + 1;
  return down(0);
}
if (kind === "getter") {
  const value = {};
  Object.defineProperty(value, "x", { enumerable: true, get: () => value.x });
  return value;
}
let deep = {};
for (let i = 0; i < 200000; i++) deep = { deep };
return deep;
