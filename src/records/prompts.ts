/**
 * Large prompts are stored once per run, content-addressed: a `node.started` event whose prompt is
 * longer than {@link PROMPT_INLINE_BYTES} journals `promptRef` (the prompt's SHA-256) instead, and the
 * text goes to `prompts/<sha256>.txt` in the run directory — written once however many nodes (or
 * resumed runs' nodes) send the same context. Readers put the text back ({@link inlinePrompts}).
 *
 * @example
 * ```ts
 * const store = new PromptStore(runDir);
 * journal.append(store.compact(event)); // large prompt → promptRef
 * const events = inlinePrompts(runDir, parsed.events); // promptRef → prompt
 * ```
 * @module
 */
import { sha256Hex } from "../common/hash.ts";
import { join } from "node:path";
import type { RunEvent } from "../engine/events.ts";

/** Prompts up to this many UTF-8 bytes stay inline in the journal. */
export const PROMPT_INLINE_BYTES = 4096;

/** Where a run's stored prompts live. */
export function promptsDir(runDir: string): string {
  return join(runDir, "prompts");
}

/** Writes large prompts once per run and replaces them in events by their hash. */
export class PromptStore {
  readonly #dir: string;
  readonly #written = new Set<string>();

  constructor(runDir: string) {
    this.#dir = promptsDir(runDir);
  }

  /** The event as it is journaled: a large `node.started` prompt becomes a `promptRef`. */
  compact(event: RunEvent): RunEvent {
    if (event.type !== "node.started" || event.prompt.length <= PROMPT_INLINE_BYTES / 4) return event;
    const bytes = new TextEncoder().encode(event.prompt);
    if (bytes.length <= PROMPT_INLINE_BYTES) return event;
    const sha256 = sha256Hex(bytes);
    if (!this.#written.has(sha256)) {
      Deno.mkdirSync(this.#dir, { recursive: true });
      const path = join(this.#dir, `${sha256}.txt`);
      // Written before the line that refers to it; an existing file (same hash) is the same text.
      try {
        Deno.writeFileSync(path, bytes, { createNew: true });
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      }
      this.#written.add(sha256);
    }
    const { prompt: _inlined, ...rest } = event;
    return { ...rest, prompt: "", promptRef: { sha256, bytes: bytes.length } };
  }
}

/** Events with every `promptRef` resolved back to its prompt text (unreadable ones left as they are). */
export function inlinePrompts(runDir: string, events: RunEvent[]): RunEvent[] {
  const cache = new Map<string, string>();
  return events.map((event) => {
    if (event.type !== "node.started" || !event.promptRef) return event;
    const { sha256 } = event.promptRef;
    if (!/^[0-9a-f]{64}$/.test(sha256)) return event;
    let text = cache.get(sha256);
    if (text === undefined) {
      try {
        text = Deno.readTextFileSync(join(promptsDir(runDir), `${sha256}.txt`));
      } catch {
        return event;
      }
      cache.set(sha256, text);
    }
    return { ...event, prompt: text };
  });
}
