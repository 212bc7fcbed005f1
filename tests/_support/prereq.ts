/**
 * Test prerequisites: where the pinned CLIs live, and how a test whose prerequisite is missing is
 * skipped locally (with a message) but fails in CI (`CI=true`), where nothing may be skipped.
 *
 * @module
 */
import { join } from "node:path";

/** True when running under CI (`CI=true`). */
export const IN_CI = Deno.env.get("CI") === "true";

/** Cache directory outside the checkout (same rule as scripts/_deno.sh). */
export function cacheDir(): string {
  const explicit = Deno.env.get("ODW_CACHE_DIR");
  if (explicit) return explicit;
  const xdg = Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return join(xdg, "odw");
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Path of a CLI installed by scripts/install-test-deps (`claude`, `codex`), or null when absent. */
export function cachedCli(name: "claude" | "codex"): string | null {
  const path = join(cacheDir(), "clis", "node_modules", ".bin", name);
  return isFile(path) ? path : null;
}

/** Path of Debian's chromium, or null. */
export function chromiumPath(): string | null {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (isFile(p)) return p;
  return null;
}

const announced = new Set<string>();

/**
 * Deno.test `ignore` value for a prerequisite: locally a missing one is announced and the test is
 * skipped; in CI it is never skipped (the test then fails on the missing piece).
 *
 * @example
 * ```ts
 * Deno.test({ name: "claude text", ignore: skipUnless("claude CLI", cachedCli("claude")), fn });
 * ```
 */
export function skipUnless(what: string, found: unknown): boolean {
  if (found || IN_CI) return false;
  if (!announced.has(what)) {
    announced.add(what);
    console.error(`skipped: ${what} is missing (run scripts/install-test-deps)`);
  }
  return true;
}
