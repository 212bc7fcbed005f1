/**
 * The environment that points the real `claude` CLI at a scripted Anthropic server: a temporary HOME
 * and config directory, a fake key, no auto-update, no telemetry or other outside traffic, and
 * `IS_SANDBOX=1` when running as root (the CLI refuses `bypassPermissions` for root without it).
 *
 * @example
 * ```ts
 * const env = claudeTestEnv(home, server.url); // then spawn claude (or odw, pandacode) with it
 * ```
 * @module
 */
import { join } from "node:path";

function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/** Environment for the claude CLI with `home` as HOME (config in `home/.claude`) and `baseUrl` as API. */
export function claudeTestEnv(home: string, baseUrl: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, ".claude"),
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: "test-key",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    ...(isRoot() ? { IS_SANDBOX: "1" } : {}),
  };
}
