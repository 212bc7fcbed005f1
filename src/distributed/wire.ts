/**
 * What crosses NATS, validated on arrival (a message is input from the network, never trusted):
 *
 * - a node request ({@link NodeEnvelope}): the node's {@link NodeSpec} (plain data, no local paths),
 *   the lineage and run it belongs to, its output-token allowance, the run's retry policy and, for
 *   worktree nodes, the repository revision to start from;
 * - a result entry ({@link ResultEntry}): the {@link NodeResult} and the worker that produced it.
 *
 * Either may be large (a prompt of megabytes, a big structured output): past {@link INLINE_LIMIT}
 * bytes the prompt, or the whole result, is stored in the object store under its SHA-256 and the
 * message carries the hash (`blobs.ts`).
 *
 * @example
 * ```ts
 * const bytes = await encodeRequest(topology.blobs, envelope);
 * const again = await decodeRequest(topology.blobs, bytes); // throws WireError on anything malformed
 * ```
 * @module
 */
import { z } from "zod";
import type { NodeResult, NodeSpec } from "../common/contract.ts";
import { NodeResultSchema, NodeSpecSchema } from "../common/contract_schema.ts";
import { type BlobStore, getBlob, putBlob, SHA256_HEX } from "./blobs.ts";
import { isToken } from "./names.ts";

/** Bytes a prompt or result may have inside a message; larger ones go to the object store. */
export const INLINE_LIMIT = 256 * 1024;

const token = z.string().refine(isToken, "not a token");

/** A node request as published on the work queue. */
export const NodeEnvelopeSchema = z.object({
  v: z.literal(1),
  /** The results namespace: the first run of a resume chain. */
  lineage: token,
  /** The run that published it. */
  run: token,
  spec: NodeSpecSchema,
  /** Set when the prompt is in the object store (the spec's prompt is then empty). */
  promptBlob: z.string().regex(SHA256_HEX).optional(),
  /** The node's output-token allowance from the run's budget. */
  maxOutputTokens: z.number().int().positive().optional(),
  /** First backoff between retries of transient failures (the run's policy). */
  retryBaseMs: z.number().int().nonnegative().optional(),
  /** The commit a worktree node starts from (the orchestrator's `HEAD`). */
  revision: z.string().regex(/^[0-9a-f]{7,64}$/).optional(),
  publishedAt: z.string(),
});
/** A validated node request. */
export type NodeEnvelope = z.infer<typeof NodeEnvelopeSchema>;

/** A result as stored in the results bucket. */
export const ResultEntrySchema = z.object({
  v: z.literal(1),
  /** The worker that ran the node. */
  worker: token,
  /** The result, unless it is in the object store. */
  result: NodeResultSchema.optional(),
  /** Set when the result's JSON is in the object store. */
  resultBlob: z.string().regex(SHA256_HEX).optional(),
  finishedAt: z.string(),
}).refine((e) => (e.result === undefined) !== (e.resultBlob === undefined), "result or resultBlob");
/** A validated result entry. */
export type ResultEntry = z.infer<typeof ResultEntrySchema>;

/** A message that is not what odw sends; `message` is one line. */
export class WireError extends Error {
  override name = "WireError";
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The request's bytes; the prompt goes to `blobs` when large. */
export async function encodeRequest(blobs: BlobStore, envelope: NodeEnvelope): Promise<Uint8Array> {
  const prompt = encoder.encode(envelope.spec.prompt);
  if (prompt.length <= INLINE_LIMIT) return encoder.encode(JSON.stringify(envelope));
  const promptBlob = await putBlob(blobs, prompt);
  return encoder.encode(JSON.stringify({ ...envelope, spec: { ...envelope.spec, prompt: "" }, promptBlob }));
}

/** The request in `bytes`, its prompt fetched back when it was stored apart. */
export async function decodeRequest(blobs: BlobStore, bytes: Uint8Array): Promise<NodeEnvelope> {
  const envelope = parse(NodeEnvelopeSchema, bytes, "node request");
  if (envelope.promptBlob === undefined) return envelope;
  const prompt = decoder.decode(await getBlob(blobs, envelope.promptBlob));
  const spec: NodeSpec = { ...envelope.spec, prompt };
  return { ...envelope, spec, promptBlob: undefined };
}

/** The result entry's bytes; the result goes to `blobs` when large. */
export async function encodeResult(
  blobs: BlobStore,
  worker: string,
  result: NodeResult,
): Promise<Uint8Array> {
  const finishedAt = new Date().toISOString();
  const json = encoder.encode(JSON.stringify(result));
  if (json.length <= INLINE_LIMIT) {
    return encoder.encode(JSON.stringify({ v: 1, worker, result, finishedAt } satisfies ResultEntry));
  }
  const resultBlob = await putBlob(blobs, json);
  return encoder.encode(JSON.stringify({ v: 1, worker, resultBlob, finishedAt } satisfies ResultEntry));
}

/** The result in an entry, with the worker that ran it. */
export async function decodeResult(blobs: BlobStore, bytes: Uint8Array): Promise<NodeResult> {
  const entry = parse(ResultEntrySchema, bytes, "result entry");
  const result = entry.result ??
    parse(NodeResultSchema, await getBlob(blobs, entry.resultBlob!), "stored result");
  return { ...result, worker: entry.worker };
}

function parse<T>(schema: z.ZodType<T>, bytes: Uint8Array, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new WireError(`malformed ${what}: not JSON`);
  }
  const checked = schema.safeParse(raw);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  throw new WireError(`malformed ${what}: ${issue.path.join(".") || "value"}: ${issue.message}`);
}
