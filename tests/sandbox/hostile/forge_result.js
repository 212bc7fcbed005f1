export const meta = {
  name: "hostile-forge-result",
  description:
    "Replaces JSON.stringify so the result the runtime sends breaks the boundary's rules: args.kind picks a 5000-item array, text that is not JSON, a result nested 100000 deep, or 20 MiB of JSON.",
};
const kind = args?.kind ?? "array";
const forged = {
  array: "[" + "0,".repeat(4999) + "0]",
  garbage: "{not json",
  deep: "[".repeat(100000) + "]".repeat(100000),
  huge: JSON.stringify("x".repeat(20 * 1024 * 1024)),
}[kind];
JSON.stringify = () => forged;
return "the real result";
