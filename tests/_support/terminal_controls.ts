/**
 * The test-side definition of "a character a terminal acts on" (written independently of
 * `src/common/terminal_text.ts`): C0 controls but tab and newline, DEL, C1, U+2028/U+2029 and the
 * bidirectional marks, embeddings, overrides and isolates.
 *
 * @module
 */
import assert from "node:assert/strict";

// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Fails when `text` holds a character a terminal acts on; `where` names the output in the message. */
export function assertNoControls(text: string, where: string): void {
  const found = text.match(CONTROL);
  assert.equal(
    found,
    null,
    `${where} carries ${JSON.stringify(found?.[0])}: ${JSON.stringify(text.slice(0, 400))}`,
  );
}
