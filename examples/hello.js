export const meta = {
  name: "hello",
  description: "Greets in two languages in parallel, then summarises",
  phases: [{ title: "Greet" }, { title: "Summarise" }],
};

phase("Greet");
const [en, fr] = await parallel([
  () => agent("Say hello in English.", { label: "english" }),
  () => agent("Say hello in French.", { label: "french" }),
]);

phase("Summarise");
const summary = await agent(`Summarise these greetings: ${en} / ${fr}`, {
  label: "summary",
  schema: {
    type: "object",
    properties: { greeting: { type: "string" }, languages: { type: "integer" } },
    required: ["greeting", "languages"],
  },
});
log(`summary ready for ${args?.name ?? "you"}`);
return { en, fr, summary };
