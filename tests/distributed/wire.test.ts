/**
 * The wire format and names, in-process: result keys stay inside their lineage whatever the node key;
 * large prompts and results go by hash and come back whole; a substituted blob, a malformed request or
 * a hostile lineage is refused with one line; `--runtimes` lists become lanes.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { BlobStore } from "../../src/distributed/blobs.ts";
import { laneOf, resultKey } from "../../src/distributed/names.ts";
import {
  decodeRequest,
  decodeResult,
  encodeRequest,
  encodeResult,
  INLINE_LIMIT,
  type NodeEnvelope,
  WireError,
} from "../../src/distributed/wire.ts";
import { lanesOf } from "../../src/cli/worker.ts";
import type { NodeResult } from "../../src/common/contract.ts";

/** An object store in memory, with the calls blobs.ts makes. */
function memoryStore(): BlobStore & { objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  return {
    objects,
    info: (name: string) => Promise.resolve(objects.has(name) ? { name, deleted: false } as never : null),
    putBlob: (meta: { name: string }, data: Uint8Array | null) => {
      objects.set(meta.name, data!);
      return Promise.resolve({} as never);
    },
    getBlob: (name: string) => Promise.resolve(objects.get(name) ?? null),
  };
}

const envelope = (prompt: string): NodeEnvelope => ({
  v: 1,
  lineage: "20261129-101010-abcdef",
  run: "20261129-101010-abcdef",
  spec: { key: "0123abcd#2", prompt, label: "l" },
  publishedAt: new Date().toISOString(),
});

const result: NodeResult = {
  status: "completed",
  value: "x".repeat(INLINE_LIMIT + 10),
  usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0 },
  costUsd: 0,
  durationMs: 5,
  attempts: 1,
};

Deno.test("result keys: odw's keys map to a token, anything else is hashed inside the lineage", () => {
  assert.equal(resultKey("L1", "0123abcd#2"), "L1.0123abcd-2");
  for (const hostile of ["../x#1", "a.b#1", "k#1.>", "*", "", "x#-1", "a#1#2"]) {
    const key = resultKey("L1", hostile);
    assert.match(key, /^L1\.x[0-9a-f]{40}$/, hostile);
  }
  assert.equal(laneOf("claude"), "claude");
  assert.equal(laneOf("gpt.>"), "any");
  assert.equal(laneOf(undefined), "any");
});

Deno.test("large prompt and result go to the blob store by hash and come back whole", async () => {
  const store = memoryStore();
  const big = "é".repeat(INLINE_LIMIT);
  const bytes = await encodeRequest(store, envelope(big));
  assert.ok(bytes.length < 2000, `${bytes.length} bytes inline`);
  assert.equal((await decodeRequest(store, bytes)).spec.prompt, big);
  const small = await encodeRequest(store, envelope("short"));
  assert.equal(store.objects.size, 1);
  assert.equal((await decodeRequest(store, small)).spec.prompt, "short");
  const entry = await encodeResult(store, "w1", result);
  assert.ok(entry.length < 2000);
  assert.deepEqual(await decodeResult(store, entry), { ...result, worker: "w1" });
});

Deno.test("a substituted blob, malformed requests and hostile lineages are refused", async () => {
  const store = memoryStore();
  const bytes = await encodeRequest(store, envelope("y".repeat(INLINE_LIMIT + 1)));
  const [hash] = store.objects.keys();
  store.objects.set(hash, new TextEncoder().encode("something else"));
  await assert.rejects(decodeRequest(store, bytes), /does not match its hash/);
  store.objects.clear();
  await assert.rejects(decodeRequest(store, bytes), /not in the object store/);
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  await assert.rejects(decodeRequest(store, new TextEncoder().encode("{")), WireError);
  await assert.rejects(decodeRequest(store, encode({ ...envelope("p"), lineage: "a.>" })), /lineage/);
  await assert.rejects(decodeRequest(store, encode({ ...envelope("p"), v: 2 })), WireError);
  await assert.rejects(decodeRequest(store, encode({ ...envelope("p"), promptBlob: "../x" })), /promptBlob/);
  const fake = createHash("sha256").update("z").digest("hex");
  await assert.rejects(decodeResult(store, encode({ v: 1, worker: "w", resultBlob: fake, finishedAt: "" })));
  await assert.rejects(
    decodeResult(store, encode({ v: 1, worker: "w 1", result, finishedAt: "" })),
    /worker/,
  );
});

Deno.test("--runtimes becomes lanes: any plus each runtime named", () => {
  assert.deepEqual(lanesOf(undefined), ["any", "codex", "claude", "bamboo"]);
  assert.deepEqual(lanesOf("claude,bamboo,claude"), ["any", "claude", "bamboo"]);
  assert.throws(() => lanesOf("claude,gpt"), /unknown runtime "gpt"/);
  assert.throws(() => lanesOf(","), /unknown runtime ""/);
});
