export const meta = {
  name: "hostile-deep-schema",
  description: "Passes agent() a schema nested 5000 levels deep, and a default value nested 100000 deep.",
};
let schema = { type: "object", properties: {} };
for (let i = 0; i < 5000; i++) schema = { type: "object", properties: { p: schema } };
const out = [];
try {
  out.push(await agent("deep schema", { schema }));
} catch (e) {
  out.push(`${e.name}: ${e.message}`);
}
let deep = [];
for (let i = 0; i < 100000; i++) deep = [deep];
try {
  out.push(await agent("deep default", { schema: { type: "object", properties: {}, default: deep } }));
} catch (e) {
  out.push(`${e.name}: ${e.message}`);
}
return out;
