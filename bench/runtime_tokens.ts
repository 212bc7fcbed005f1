/**
 * What each runtime sends to the model per node, for the same 12-node fan-out + synthesis, side by
 * side with Claude Code's own Workflow runtime on the same scripted servers: requests, request bytes
 * and prompt tokens per node.
 *
 * - **built-in**: the pinned `claude` CLI running the script with its Workflow tool
 *   (tests/parity/builtin_runner.ts); its subagents' requests are the nodes (the orchestrating main
 *   loop's turns are listed apart);
 * - **odw + pandacode**, one run per runtime (`--runtime claude|codex|bamboo`, in-process): the real
 *   claude and codex CLIs and bamboo against the scripted Anthropic, Responses and chat servers.
 *
 * Tokens are counted by one tokenizer for every runtime (`gpt-tokenizer`, o200k_base) over each request
 * body as sent (JSON included), so the columns compare like with like; the runtimes' own tokenizers
 * would give somewhat different absolute numbers. Every request a node causes counts (the claude CLI's
 * auxiliary non-streaming calls included, shown apart).
 *
 * @module
 */
import { countTokens } from "gpt-tokenizer";
import { join } from "node:path";
import { startWorld } from "../tests/backends/pandacode_world.ts";
import { reply } from "../tests/fixtures/openai_chat_server.ts";
import { runBuiltin, SUBAGENT_MARKER } from "../tests/parity/builtin_runner.ts";
import { anthropicReply, type ReplyRule } from "../tests/parity/replies.ts";
import { odwDenoArgs, runProcess } from "../tests/_support/odw.ts";

const NODES = 13;
const NOTE = "A short note about this item.";
const SYNTHESIS = "One paragraph that joins the notes.";

const SCRIPT = `export const meta = { name: "fanout12", description: "12-node fan-out + synthesis" };
const items = Array.from({ length: 12 }, (_, i) => "item " + (i + 1));
const notes = await parallel(items.map((item) => () =>
  agent("Summarise " + item + " of the release notes in one sentence.", { label: item })));
return await agent("Synthesise these 12 notes into one paragraph:\\n" + notes.join("\\n"), { label: "synthesis" });
`;

const RULES: ReplyRule[] = [{ prompt: "Summarise", reply: NOTE }, { prompt: "Synthesise", reply: SYNTHESIS }];

/** What one runtime sent for the whole workflow. */
export interface RuntimeTraffic {
  runtime: string;
  /** Model requests of the nodes (main turns), their bytes and tokens. */
  requests: number;
  bytes: number;
  tokens: number;
  /** Other requests (the claude CLI's auxiliary calls; the built-in's orchestrating main loop). */
  extraRequests: number;
  extraBytes: number;
  extraTokens: number;
}

function measure(bodies: string[]): { requests: number; bytes: number; tokens: number } {
  return {
    requests: bodies.length,
    bytes: bodies.reduce((sum, b) => sum + new TextEncoder().encode(b).length, 0),
    tokens: bodies.reduce((sum, b) => sum + countTokens(b), 0),
  };
}

function traffic(runtime: string, main: string[], extra: string[]): RuntimeTraffic {
  const m = measure(main);
  const e = measure(extra);
  return { runtime, ...m, extraRequests: e.requests, extraBytes: e.bytes, extraTokens: e.tokens };
}

async function builtinTraffic(): Promise<RuntimeTraffic> {
  const run = await runBuiltin(SCRIPT, { replies: RULES, timeoutMs: 240_000 });
  if (run.status !== "completed" || run.result !== SYNTHESIS) {
    throw new Error(`built-in fan-out did not complete: ${run.status} ${run.error}`);
  }
  const model = run.requests.filter((r) => r.path === "/v1/messages");
  const isNode = (r: typeof model[number]) => JSON.stringify(r.body?.system ?? "").includes(SUBAGENT_MARKER);
  return traffic(
    "built-in (claude)",
    model.filter(isNode).map((r) => JSON.stringify(r.body)),
    model.filter((r) => !isNode(r)).map((r) => JSON.stringify(r.body)),
  );
}

async function odwTraffic(runtime: "claude" | "codex" | "bamboo"): Promise<RuntimeTraffic> {
  await using world = await startWorld({
    anthropic: (request) => {
      const messages = (request.body?.messages ?? []) as { content: unknown }[];
      return anthropicReply(RULES, JSON.stringify(messages[0]?.content ?? ""));
    },
    responses: [...Array.from({ length: NODES - 1 }, () => ({ text: NOTE })), { text: SYNTHESIS }],
    chat: (request) =>
      reply.text(JSON.stringify(request.body.messages).includes("Synthesise") ? SYNTHESIS : NOTE, {
        prompt_tokens: 1,
        completion_tokens: 1,
      }),
  });
  const dir = await Deno.makeTempDir({ prefix: "odw-bench-tokens-" });
  try {
    await Deno.writeTextFile(join(dir, "fanout12.js"), SCRIPT);
    const run = await runProcess(
      Deno.execPath(),
      odwDenoArgs(["exec", "fanout12.js", "--runtime", runtime, "--json", "--quiet"]),
      dir,
      { env: world.env, timeoutMs: 300_000 },
    );
    const out = JSON.parse(run.stdout || "{}");
    if (run.code !== 0 || out.result !== SYNTHESIS) {
      throw new Error(
        `odw fan-out on ${runtime} did not complete: ${run.stderr}\n${run.stdout.slice(0, 400)}`,
      );
    }
    if (runtime === "claude") {
      const model = world.anthropic.requests.filter((r) => r.path === "/v1/messages");
      return traffic(
        "odw + claude",
        model.filter((r) => r.stream).map((r) => JSON.stringify(r.body)),
        model.filter((r) => !r.stream).map((r) => JSON.stringify(r.body)),
      );
    }
    if (runtime === "codex") {
      return traffic("odw + codex", world.responses.responsesCalls().map((r) => JSON.stringify(r.body)), []);
    }
    return traffic("odw + bamboo", world.chat.requests.map((r) => JSON.stringify(r.body)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Measures every runtime and prints the table; returns the rows. */
export async function runtimeTokens(): Promise<RuntimeTraffic[]> {
  const rows = [await builtinTraffic()];
  for (const runtime of ["claude", "codex", "bamboo"] as const) rows.push(await odwTraffic(runtime));
  const base = rows[0].tokens / NODES;
  console.log(
    `request traffic per node, 12-node fan-out + synthesis (${NODES} nodes; o200k tokens of each body)`,
  );
  console.log(
    `  ${"runtime".padEnd(18)} ${"requests".padStart(8)} ${"KB/node".padStart(8)} ${
      "tokens/node".padStart(12)
    }` +
      `  ${"vs built-in".padStart(11)}   extra (not per node)`,
  );
  for (const row of rows) {
    const perNode = row.tokens / NODES;
    console.log(
      `  ${row.runtime.padEnd(18)} ${String(row.requests).padStart(8)} ${
        (row.bytes / NODES / 1024).toFixed(1).padStart(8)
      }` +
        ` ${perNode.toFixed(0).padStart(12)}  ${(base / perNode).toFixed(2).padStart(10)}x` +
        `   ${row.extraRequests} req, ${(row.extraBytes / 1024).toFixed(0)} KB, ${row.extraTokens} tokens`,
    );
  }
  return rows;
}

if (import.meta.main) await runtimeTokens();
