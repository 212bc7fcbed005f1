/**
 * The sandbox holds: a workflow run by the real CLI cannot touch files, env, subprocesses or the
 * network, cannot load code (local file, npm:, data:, eval, Function, require, Worker, Deno internals,
 * node builtins) — each attempt is an error inside the workflow, the run itself reports cleanly.
 *
 * @module
 */
import assert from "node:assert/strict";
import { execWorkflow, mapLimited, stackLines, withProject, workflowSource } from "../_support/odw.ts";
import { serveLoopback } from "../fixtures/loopback.ts";

/** Helper put in front of a workflow body: runs `fn` and reports what happened, never throws. */
const ATTEMPT = `const attempt = async (fn) => {
  try { return { ok: true, value: String(await fn()) }; }
  catch (e) { return { ok: false, name: e?.name, message: String(e?.message ?? e) }; }
};`;

type Attempt = { ok: boolean; value?: string; name?: string; message?: string };

function assertRefused(attempt: Attempt | undefined, what: string, message: RegExp, name?: string): void {
  assert.ok(attempt, `${what}: no attempt recorded`);
  assert.equal(attempt.ok, false, `${what} was allowed: ${attempt.value}`);
  assert.match(
    attempt.message ?? "",
    message,
    `${what}: unexpected error ${attempt.name}: ${attempt.message}`,
  );
  if (name) assert.equal(attempt.name, name, `${what}: error name`);
}

Deno.test("a workflow cannot read or write files, read env, run commands or open the network", async () => {
  const requests: string[] = [];
  const server = serveLoopback((req) => {
    requests.push(req.url);
    return new Response("reached");
  });
  try {
    await withProject(async (project) => {
      await project.write("secret.txt", "top secret");
      const run = await execWorkflow(
        project,
        `${ATTEMPT}
const url = "http://127.0.0.1:" + args.port + "/";
return {
  readFile: await attempt(() => Deno.readTextFile("secret.txt")),
  readAbsolute: await attempt(() => Deno.readTextFileSync(args.secret)),
  writeFile: await attempt(() => Deno.writeTextFile("written.txt", "x")),
  env: await attempt(() => Deno.env.get("HOME")),
  command: await attempt(() => new Deno.Command("touch", { args: ["ran.txt"] }).output()),
  fetch: await attempt(() => fetch(url)),
  connect: await attempt(() => Deno.connect({ hostname: "127.0.0.1", port: args.port })),
  fetchFile: await attempt(() => fetch("file://" + args.secret)),
  permissions: await attempt(() => Deno.permissions.request({ name: "read" })),
  cache: await attempt(() => caches.open("odw")),
};`,
        ["--args", JSON.stringify({ port: server.port, secret: project.path("secret.txt") })],
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.json?.status, "completed");
      const r = run.json?.result as Record<string, Attempt>;
      // The realm is the built-in's: no Deno, fetch or caches at all (and the Worker has no permissions
      // behind that, should one be reached).
      const missing = (name: string) => new RegExp(`^${name} is not defined$`);
      assertRefused(r.readFile, "relative read", missing("Deno"), "ReferenceError");
      assertRefused(r.readAbsolute, "absolute read", missing("Deno"), "ReferenceError");
      assertRefused(r.writeFile, "write", missing("Deno"), "ReferenceError");
      assertRefused(r.env, "env", missing("Deno"), "ReferenceError");
      assertRefused(r.command, "command", missing("Deno"), "ReferenceError");
      assertRefused(r.fetch, "fetch", missing("fetch"), "ReferenceError");
      assertRefused(r.connect, "connect", missing("Deno"), "ReferenceError");
      assertRefused(r.fetchFile, "fetch file://", missing("fetch"), "ReferenceError");
      assertRefused(r.permissions, "Deno.permissions", missing("Deno"), "ReferenceError");
      assertRefused(r.cache, "CacheStorage", missing("caches"), "ReferenceError");
      assert.deepEqual(await project.runIds().then((ids) => ids.length), 1);
      await assert.rejects(Deno.stat(project.path("written.txt")), Deno.errors.NotFound);
      await assert.rejects(Deno.stat(project.path("ran.txt")), Deno.errors.NotFound);
    });
  } finally {
    await server.close();
  }
  assert.deepEqual(requests, [], "the test server must not have been reached");
});

Deno.test("a workflow cannot load code: import() of a local file, npm: or data:, eval, Function, require, Worker", async () => {
  await withProject(async (project) => {
    await project.write(
      "local.js",
      `globalThis.__odwLocalLoaded = true;\nconsole.log("LOCAL MODULE LOADED");\nexport default 1;\n`,
    );
    const dataUrl = "data:text/javascript,globalThis.__odwDataLoaded=true;console.log('DATA MODULE LOADED')";
    const run = await execWorkflow(
      project,
      `${ATTEMPT}
const dataUrl = ${JSON.stringify(dataUrl)};
const r = {
  importLocal: await attempt(() => import("./local.js")),
  importAbsolute: await attempt(() => import(args.local)),
  importNpm: await attempt(() => import("npm:left-pad@1.3.0")),
  importData: await attempt(() => import(dataUrl)),
  evalImport: await attempt(() => (0, eval)("import(" + JSON.stringify(dataUrl) + ")")),
  directEval: await attempt(() => eval("1 + 1")),
  newFunction: await attempt(() => new Function("return import(" + JSON.stringify(dataUrl) + ")")()),
  callFunction: await attempt(() => Function("return 1")()),
  functionCtor: await attempt(() => (() => {}).constructor("return 1")()),
  asyncFunctionCtor: await attempt(() => (async () => {}).constructor("return 1")()),
  generatorCtor: await attempt(() => (function* () {}).constructor("yield 1")().next().value),
  timerString: await attempt(() => setTimeout("globalThis.__odwTimer = true", 0)),
  require: await attempt(() => require("fs")),
  worker: await attempt(() => new Worker(dataUrl, { type: "module" })),
  nodeBuiltins: await attempt(() => process.getBuiltinModule("node:vm").runInThisContext("1 + 1")),
  denoInternals: await attempt(() => Deno[Deno.internal].core.evalContext("1 + 1", "file:///x.js")),
  importScripts: await attempt(() => importScripts(dataUrl)),
};
await new Promise((resolve) => setTimeout(resolve, 20));
r.loaded = [globalThis.__odwLocalLoaded, globalThis.__odwDataLoaded, globalThis.__odwTimer].map(String);
return r;`,
      ["--args", JSON.stringify({ local: project.path("local.js") })],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json?.status, "completed");
    const r = run.json?.result as Record<string, Attempt> & { loaded: string[] };
    // The built-in's message and error class for import() in a workflow script.
    assertRefused(
      r.importLocal,
      "import local",
      /^import\(\) is not available in workflow scripts\.$/,
      "Error",
    );
    assertRefused(
      r.importAbsolute,
      "import absolute",
      /^import\(\) is not available in workflow scripts\.$/,
      "Error",
    );
    assertRefused(
      r.importNpm,
      "import npm:",
      /^import\(\) is not available in workflow scripts\.$/,
      "Error",
    );
    assertRefused(
      r.importData,
      "import data:",
      /^import\(\) is not available in workflow scripts\.$/,
      "Error",
    );
    // The built-in's VM refuses code generation from strings with this EvalError.
    const codegen = /^Code generation from strings disallowed for this context$/;
    for (const key of ["evalImport", "directEval", "newFunction", "callFunction", "functionCtor"]) {
      assertRefused(r[key], key, codegen, "EvalError");
    }
    assertRefused(r.asyncFunctionCtor, "AsyncFunction", codegen, "EvalError");
    assertRefused(r.generatorCtor, "GeneratorFunction", codegen, "EvalError");
    // A string given to setTimeout runs nothing (as in the built-in): the marker stays unset below.
    assert.equal(r.timerString.ok, true);
    assertRefused(r.require, "require", /require is not defined/, "ReferenceError");
    assertRefused(r.worker, "Worker", /^Worker is not defined$/, "ReferenceError");
    assertRefused(r.nodeBuiltins, "process.getBuiltinModule", /^process is not defined$/, "ReferenceError");
    assertRefused(r.denoInternals, "Deno internals", /^Deno is not defined$/, "ReferenceError");
    assertRefused(r.importScripts, "importScripts", /^importScripts is not defined$/, "ReferenceError");
    assert.deepEqual(r.loaded, ["undefined", "undefined", "undefined"], "no module or string code ran");
    const logs = run.json?.logs as string[];
    assert.ok(!logs.some((line) => /MODULE LOADED/.test(line)), `a module ran: ${logs.join(" | ")}`);
  });
});

/** Uncaught attempts: each fails the run with one clean line, exit 1, no stack on stderr. */
const UNCAUGHT: Array<{ what: string; body: string; error: RegExp }> = [
  {
    what: "read a file",
    body: `await Deno.readTextFile("/etc/hostname");`,
    error: /^ReferenceError: Deno is not defined$/,
  },
  { what: "read env", body: `Deno.env.get("HOME");`, error: /^ReferenceError: Deno is not defined$/ },
  {
    what: "open the network",
    body: `await fetch("http://127.0.0.1:65000/");`,
    error: /^ReferenceError: fetch is not defined$/,
  },
  {
    what: "import a local file",
    body: `await import("./other.js");`,
    error: /^Error: import\(\) is not available in workflow scripts\.$/,
  },
  {
    what: "eval",
    body: `(0, eval)("1");`,
    error: /^EvalError: Code generation from strings disallowed for this context$/,
  },
  {
    what: "start a Worker",
    body: `new Worker("data:text/javascript,1");`,
    error: /^ReferenceError: Worker is not defined$/,
  },
  {
    what: "exit the worker",
    body: `Deno.exit(3);`,
    error: /^ReferenceError: Deno is not defined$/,
  },
];

Deno.test("an uncaught sandbox error fails the run with one clear line and exit 1, no stack dump", async () => {
  await withProject(async (project) => {
    const runs = await mapLimited(UNCAUGHT, 4, async (c, i) => {
      const script = await project.write(`uncaught-${i}.js`, workflowSource(c.body, `uncaught-${i}`));
      return await project.odw(["exec", script, "--json"]);
    });
    runs.forEach((run, i) => {
      const { what, error } = UNCAUGHT[i];
      assert.equal(run.code, 1, `${what}: exit code (stderr: ${run.stderr})`);
      assert.equal(run.json?.status, "failed", what);
      assert.match(String(run.json?.error), error, what);
      assert.ok(!String(run.json?.error).includes("\n"), `${what}: error is one line`);
      assert.deepEqual(stackLines(run.stderr), [], `${what}: stack on stderr:\n${run.stderr}`);
      // The run's own clock (no Deno startup in it): the error ends the run, nothing waits it out.
      const durationMs = Number(run.json?.durationMs);
      assert.ok(durationMs < 10_000, `${what}: the run took ${durationMs} ms`);
    });
    // Without --json: the header, the error's first line, then the summary and report lines; stdout empty.
    const human = await project.odw(["exec", "uncaught-0.js"]);
    assert.equal(human.code, 1);
    assert.equal(human.stdout, "");
    const lines = human.stderr.trimEnd().split("\n");
    assert.match(lines[0], /^odw: backend mock · /, "the run header");
    assert.match(lines[1], UNCAUGHT[0].error);
    assert.match(lines[2], /^failed · 0 agents · 0 tokens · \$0\.0000 · \d+\.\d\ds · .*\.odw\/runs\//);
    assert.match(lines[3], /^report: .*\/report\.html$/);
    assert.equal(lines.length, 4, human.stderr);
  });
});

Deno.test("an error thrown in a timer callback is ignored, as the built-in ignores it", async () => {
  await withProject(async (project) => {
    const run = await execWorkflow(
      project,
      `setTimeout(() => { throw new RangeError("late"); }, 0);\nawait new Promise((r) => setTimeout(r, 50));\nreturn "after";`,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json?.status, "completed");
    assert.equal(run.json?.result, "after");
    assert.deepEqual(stackLines(run.stderr), []);
  });
});
