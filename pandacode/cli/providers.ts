/**
 * `pandacode providers [--json]`: bamboo's providers table with the base URL in effect (after the
 * provider's env override), key variable(s), default model, prices, and whether a key is set; the
 * text listing ends with the models the codex and claude CLIs use by default, with their list prices.
 * Key values are never printed.
 *
 * @example
 * ```ts
 * const rows = providerRows(Deno.env.toObject());
 * rows.find((r) => r.id === "deepseek")?.keySet; // true when DEEPSEEK_API_KEY is set
 * ```
 * @module
 */
import { type Prices, providerBaseUrl, providerKey, PROVIDERS } from "../bamboo/providers.ts";
import { cliModelPrices } from "../runtimes.ts";
import { parseListArgs } from "./args.ts";
import { writeStdout } from "./io.ts";
import { PROVIDERS_HELP } from "./usage.ts";

/** One provider as `pandacode providers --json` prints it. */
export interface ProviderRow {
  id: string;
  name: string;
  baseUrl: string;
  baseUrlEnv: string;
  keyEnv: string[];
  keySet: boolean;
  defaultModel: string;
  prices: Prices;
}

/** Every provider, with what `env` sets. */
export function providerRows(env: Record<string, string | undefined>): ProviderRow[] {
  return PROVIDERS.map((p) => ({
    id: p.id,
    name: p.name,
    baseUrl: providerBaseUrl(p, env),
    baseUrlEnv: p.baseUrlEnv,
    keyEnv: [...p.keyEnv],
    keySet: providerKey(p, env) !== undefined,
    defaultModel: p.defaultModel,
    prices: { ...p.prices },
  }));
}

function priceText(prices: Prices): string {
  const cached = prices.cachedInputPerMillion === undefined
    ? ""
    : ` (cached $${prices.cachedInputPerMillion})`;
  return `$${prices.inputPerMillion} in${cached} / $${prices.outputPerMillion} out per 1M, as of ${prices.asOf}`;
}

/** The human-readable listing. */
export function providersText(rows: ProviderRow[]): string {
  const lines = rows.map((r) =>
    [
      `${r.id} — ${r.name}`,
      `  base URL:      ${r.baseUrl} (override: ${r.baseUrlEnv} or --base-url)`,
      `  key:           ${r.keyEnv.join(" or ")} — ${r.keySet ? "set" : "not set"}`,
      `  default model: ${r.defaultModel}`,
      `  prices:        ${priceText(r.prices)}`,
    ].join("\n")
  );
  const cli = cliModelPrices().map((m) => `  ${m.runtime}: ${m.model} — ${priceText(m.prices)}`);
  return `${lines.join("\n\n")}\n\nbamboo uses deepseek when --provider is not given.\n\n` +
    `codex and claude without --model use their CLI's default (the pinned CLIs: list prices):\n${
      cli.join("\n")
    }\n`;
}

/** `pandacode providers …`: returns the exit code. */
export async function providersCommand(args: string[]): Promise<number> {
  const flags = parseListArgs(args, "providers");
  if (flags.help) {
    await writeStdout(PROVIDERS_HELP);
    return 0;
  }
  const rows = providerRows(Deno.env.toObject());
  await writeStdout(flags.json ? JSON.stringify(rows, null, 2) + "\n" : providersText(rows));
  return 0;
}
