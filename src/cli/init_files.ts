/**
 * What `odw init` writes into a project: a valid `.odw/config.json` (the defaults written out, so the
 * file shows its shape), a named example workflow in `.odw/workflows/`, editor typings
 * (`.odw/odw.d.ts` and `.odw/jsconfig.json`), `.odw/.gitignore` for run records, and the odw skill at
 * `.claude/skills/odw/SKILL.md`. The skill and the typings are the repository's own files, embedded at
 * build time (`init_assets_embedded.ts`, loaded through `init_assets_loader.ts`).
 *
 * @module
 */
import { INIT_ASSETS } from "./init_assets_loader.ts";

/** One file `odw init` writes. */
export interface InitFile {
  /** Path relative to the project directory. */
  path: string;
  content: Uint8Array;
  /** What it is for, in a few words (shown in the summary). */
  what: string;
}

/** The name of the example workflow (`odw exec explain-project`). */
export const EXAMPLE_NAME = "explain-project";

/**
 * `.odw/config.json` as written: odw's defaults spelled out (JSON has no comments and the config
 * refuses unknown keys, so the keys are explained in `odw init`'s summary and the README).
 */
export const CONFIG_TEMPLATE = `{
  "defaults": { "retries": 2, "stallTimeout": "5m" },
  "phases": {},
  "concurrency": { "runtimes": {}, "providers": {} }
}
`;

/** The example workflow: a parallel survey with a schema, then a summary (runs on the mock too). */
export const EXAMPLE_WORKFLOW = `// @ts-check
/// <reference path="../odw.d.ts" />
export const meta = {
  name: "${EXAMPLE_NAME}",
  description: "Surveys the project from three angles in parallel, then writes a short overview",
  whenToUse: "As a starting point: run it, then copy it under a new name and make it yours",
  phases: [{ title: "Survey" }, { title: "Summarise" }],
};

const AREAS = ["purpose and main entry points", "how to build and test it", "risky or unusual code"];

phase("Survey");
const notes = await parallel(AREAS.map((area) => () =>
  agent(\`Look at this project and describe its \${area} in at most five bullet points.\`, {
    label: \`survey: \${area}\`,
    schema: {
      type: "object",
      properties: { bullets: { type: "array", items: { type: "string" } } },
      required: ["bullets"],
    },
  })
));

phase("Summarise");
const overview = await agent(\`Write a short overview of this project from these notes: \${JSON.stringify(notes)}\`, {
  label: "overview",
});
log(\`\${notes.filter((note) => note === null).length} survey agent(s) failed\`);
// @ts-ignore: top-level return is how a workflow gives its result (TypeScript rejects it in files)
return { overview, notes };
`;

/** `.odw/jsconfig.json`: editors see odw's globals in `.odw/workflows/*.js` (`// @ts-check` per file). */
export const JSCONFIG_TEMPLATE = `${
  JSON.stringify(
    {
      compilerOptions: { target: "es2022", module: "esnext", lib: ["es2022"], allowJs: true, noEmit: true },
      include: ["odw.d.ts", "workflows/**/*.js"],
    },
    null,
    2,
  )
}
`;

/** The files of `odw init`, in the order they are reported. */
export async function initFiles(): Promise<InitFile[]> {
  const embedded = await INIT_ASSETS.load();
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    { path: ".odw/config.json", content: text(CONFIG_TEMPLATE), what: "project settings (keys below)" },
    {
      path: `.odw/workflows/${EXAMPLE_NAME}.js`,
      content: text(EXAMPLE_WORKFLOW),
      what: `example workflow: odw exec ${EXAMPLE_NAME}`,
    },
    {
      path: ".odw/odw.d.ts",
      content: embedded.typings,
      what: "typings of agent(), parallel(), … for editors",
    },
    {
      path: ".odw/jsconfig.json",
      content: text(JSCONFIG_TEMPLATE),
      what: "editor settings for .odw/workflows",
    },
    { path: ".odw/.gitignore", content: text("runs/\n"), what: "keeps run records out of git" },
    { path: ".claude/skills/odw/SKILL.md", content: embedded.skill, what: "the odw skill for Claude Code" },
  ];
}

/** What `odw init` prints after the files: the config's keys (JSON has no comments) and next steps. */
export const INIT_GUIDE = `
.odw/config.json (every key optional; an unknown key or bad value stops a run with one line):
  defaults     runtime, provider, model, effort, timeout, stallTimeout, retries for every agent()
  phases       the same per phase title, e.g. "Review": { "runtime": "claude", "timeout": "20m" }
  concurrency  caps per runtime/provider, e.g. { "runtimes": { "claude": 4 }, "providers": { "deepseek": 8 } }
  backend      "mock" or "pandacode" when --backend is not given
  pandacode    a pandacode executable to spawn per agent (default: pandacode in-process)
  dispatch     "local" (default) or "nats" (run agents on odw workers; needs "nats": "nats://host:4222")
Workflows in .claude/workflows get the typings with // @ts-check and
/// <reference path="../../.odw/odw.d.ts" /> at their top.

Next: odw list · odw check ${EXAMPLE_NAME} · odw exec ${EXAMPLE_NAME} --backend mock · odw doctor`;
