/**
 * Node keys: the identity of an `agent()` call across runs, for the journal and resume.
 *
 * key = sha256 of the canonical request (prompt, schema, runtime, provider, model, effort, isolation,
 * agentType, child-workflow scope) + `#n`, the occurrence of that same request in the run. Cosmetic
 * options (label, phase, timeout) are not part of it.
 *
 * @module
 */
import { sha256Hex } from "../common/hash.ts";
import type { AgentCallOptions } from "../protocol.ts";

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
        : v,
  );
}

/** Hash of the parts of a request that decide its result. */
export function requestHash(prompt: string, options: AgentCallOptions, scope: string): string {
  const identity = {
    prompt,
    schema: options.schema ?? null,
    runtime: options.runtime ?? null,
    provider: options.provider ?? null,
    model: options.model ?? null,
    effort: options.effort ?? null,
    isolation: options.isolation ?? null,
    agentType: options.agentType ?? null,
    scope,
  };
  return sha256Hex(canonicalJson(identity)).slice(0, 32);
}

/** Hands out `hash#n` keys, counting occurrences of each hash within one run. */
export class NodeKeys {
  #seen = new Map<string, number>();

  /** The key of the next occurrence of this request. */
  next(prompt: string, options: AgentCallOptions, scope: string): string {
    const hash = requestHash(prompt, options, scope);
    const n = (this.#seen.get(hash) ?? 0) + 1;
    this.#seen.set(hash, n);
    return `${hash}#${n}`;
  }
}
