/**
 * What each runtime does when a task names no provider or model, and the list price that applies to
 * a runtime/provider/model: pandacode's defaults as odw's routing shows them (last source, after the
 * script, meta, config and the command line) and as `--dry-run` and cost ceilings price them.
 *
 * - bamboo: the provider `deepseek` and the provider's default model (the providers table), both sent;
 * - claude and codex: the CLI chooses its own model when none is given (its config may change it),
 *   so pandacode sends none; the model the pinned CLI picks by default is listed here, measured
 *   against the scripted servers in the tests, with its list price.
 *
 * Prices are list prices in USD per million tokens, with the date they were read and their source;
 * the provider's bill is the authority.
 *
 * @example
 * ```ts
 * runtimeDefaults("bamboo"); // { provider: "deepseek", model: "deepseek-flash", sent: true, note: … }
 * listPrice("claude", null, null)?.inputPerMillion; // 4 (claude-opus-5-5, the claude CLI's default)
 * ```
 * @module
 */
import { type Runtime, RUNTIMES } from "../src/common/contract.ts";
import { DEFAULT_PROVIDER, findProvider, type Prices } from "./bamboo/providers.ts";

/** What a runtime uses when the task names no provider or model. */
export interface RuntimeDefaults {
  provider: string | null;
  model: string | null;
  /** True when pandacode passes these to the runtime; false when the runtime's CLI picks them itself. */
  sent: boolean;
  /** Where the default comes from, for people. */
  note: string;
}

/** A model whose list price pandacode knows outside bamboo's providers table. */
interface ModelPrice {
  model: string;
  runtime: Runtime;
  prices: Prices;
}

/** The model the pinned claude CLI (2.1.328) uses when none is given (seen in its requests). */
export const CLAUDE_CLI_DEFAULT_MODEL = "claude-opus-5-5";
/** The model the pinned codex CLI (0.169.0) uses when neither `--model` nor its config names one. */
export const CODEX_CLI_DEFAULT_MODEL = "gpt-6.1-sol";

/** List prices of the CLI runtimes' default models. */
const CLI_MODEL_PRICES: readonly ModelPrice[] = [
  {
    model: CLAUDE_CLI_DEFAULT_MODEL,
    runtime: "claude",
    prices: {
      inputPerMillion: 4,
      outputPerMillion: 20,
      cachedInputPerMillion: 0.2,
      asOf: "2026-11-29",
      source: "https://platform.claude.com/docs/en/models/opus-5-5/overview",
      note: "list price; the claude CLI 2.1.328 carries the same table (and reports its own costUsd)",
    },
  },
  {
    model: CODEX_CLI_DEFAULT_MODEL,
    runtime: "codex",
    prices: {
      inputPerMillion: 2,
      outputPerMillion: 10,
      cachedInputPerMillion: 0.1,
      asOf: "2026-11-29",
      source: "https://developers.openai.com/api/docs/models/gpt-6.1-sol",
      note: "list price, standard tier, requests up to 272K input tokens (above: 2x input, 1.5x output)",
    },
  },
];

/** True when `value` names a runtime pandacode drives. */
export function isRuntime(value: string): value is Runtime {
  return (RUNTIMES as readonly string[]).includes(value);
}

/** pandacode's defaults for `runtime` (bamboo: for `provider` when one is given). */
export function runtimeDefaults(runtime: Runtime, provider?: string): RuntimeDefaults {
  if (runtime === "bamboo") {
    const info = findProvider(provider ?? DEFAULT_PROVIDER);
    return {
      provider: info?.id ?? provider ?? DEFAULT_PROVIDER,
      model: info?.defaultModel ?? null,
      sent: true,
      note: provider === undefined
        ? `bamboo's default provider and its default model (providers table)`
        : `the default model of ${provider} (providers table)`,
    };
  }
  const model = runtime === "claude" ? CLAUDE_CLI_DEFAULT_MODEL : CODEX_CLI_DEFAULT_MODEL;
  return {
    provider: null,
    model,
    sent: false,
    note: `the ${runtime} CLI's own default (${model} for the pinned CLI; its config may choose another)`,
  };
}

/**
 * The list price for a node on `runtime` with `provider` and `model` (null: the defaults), or null
 * when pandacode has none (an unknown provider, or a model other than the ones listed).
 */
export function listPrice(runtime: Runtime, provider: string | null, model: string | null): Prices | null {
  if (runtime === "bamboo") {
    const info = findProvider(provider ?? DEFAULT_PROVIDER);
    if (!info) return null;
    return model === null || model === info.defaultModel ? { ...info.prices } : null;
  }
  const wanted = model ?? runtimeDefaults(runtime).model;
  const row = CLI_MODEL_PRICES.find((p) => p.runtime === runtime && p.model === wanted);
  return row ? { ...row.prices } : null;
}

/** Every model price pandacode lists outside the providers table (for `pandacode providers`). */
export function cliModelPrices(): { runtime: Runtime; model: string; prices: Prices }[] {
  return CLI_MODEL_PRICES.map((p) => ({ runtime: p.runtime, model: p.model, prices: { ...p.prices } }));
}
