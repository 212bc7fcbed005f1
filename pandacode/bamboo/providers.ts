/**
 * bamboo's providers table, as data: base URL, key variable, default model and per-million-token
 * prices (with the date they were read) for each OpenAI-compatible provider bamboo can drive.
 *
 * Every base URL can be overridden with `--base-url` or the provider's `baseUrlEnv` variable.
 *
 * @module
 */

/** USD prices per million tokens, and the date they were taken from the provider's price page. */
export interface Prices {
  inputPerMillion: number;
  outputPerMillion: number;
  /** Price of cache-hit input tokens, when the provider discounts them. */
  cachedInputPerMillion?: number;
  /** ISO date the prices were read. */
  asOf: string;
  /** Page the prices were read from. */
  source?: string;
  /** What the numbers mean when it is not obvious (peak rate, tier, …). */
  note?: string;
}

/** One provider row. */
export interface ProviderInfo {
  id: string;
  name: string;
  baseUrl: string;
  /** Environment variable that overrides `baseUrl`. */
  baseUrlEnv: string;
  /** Environment variables holding the API key, first found wins. */
  keyEnv: string[];
  defaultModel: string;
  /** Prices of `defaultModel` (another model on the same provider may cost more or less). */
  prices: Prices;
}

/**
 * All providers, in display order.
 *
 * Prices are for the default model, in USD, read on 2026-11-25 from the page in `source` (or a dated
 * copy of it). Where a provider has peak and off-peak rates (DeepSeek), the peak rate is listed, so
 * costUsd is an upper bound. Cost is an estimate: the provider's bill is the authority.
 */
export const PROVIDERS: readonly ProviderInfo[] = [
  {
    id: "deepseek",
    name: "DeepSeek",
    baseUrl: "https://api.deepseek.com",
    baseUrlEnv: "DEEPSEEK_BASE_URL",
    keyEnv: ["DEEPSEEK_API_KEY"],
    defaultModel: "deepseek-flash",
    prices: {
      inputPerMillion: 0.3,
      outputPerMillion: 1.2,
      cachedInputPerMillion: 0.006,
      asOf: "2026-11-25",
      source: "https://api-docs.deepseek.com/quick_start/pricing",
      note: "peak rate; off-peak is half",
    },
  },
  {
    id: "kimi",
    name: "Kimi (Moonshot)",
    baseUrl: "https://api.moonshot.ai/v1",
    baseUrlEnv: "MOONSHOT_BASE_URL",
    keyEnv: ["MOONSHOT_API_KEY", "KIMI_API_KEY"],
    defaultModel: "kimi-k2.6",
    prices: {
      inputPerMillion: 0.95,
      outputPerMillion: 4.0,
      cachedInputPerMillion: 0.16,
      asOf: "2026-11-25",
      source: "https://platform.moonshot.ai/docs/pricing/chat",
    },
  },
  {
    id: "qwen",
    name: "Qwen (DashScope)",
    baseUrl: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    baseUrlEnv: "DASHSCOPE_BASE_URL",
    keyEnv: ["DASHSCOPE_API_KEY", "QWEN_API_KEY"],
    defaultModel: "qwen3-coder-plus",
    prices: {
      inputPerMillion: 1.0,
      outputPerMillion: 5.0,
      asOf: "2025-09-23",
      source: "https://www.alibabacloud.com/help/en/model-studio/models",
      note: "international endpoint, requests up to 32K input tokens",
    },
  },
  {
    id: "zhipu",
    name: "Zhipu GLM (z.ai / bigmodel)",
    baseUrl: "https://api.z.ai/api/paas/v4",
    baseUrlEnv: "ZHIPU_BASE_URL",
    keyEnv: ["ZHIPU_API_KEY", "ZAI_API_KEY", "BIGMODEL_API_KEY"],
    defaultModel: "glm-4.7",
    prices: {
      inputPerMillion: 0.6,
      outputPerMillion: 2.2,
      cachedInputPerMillion: 0.11,
      asOf: "2026-11-25",
      source: "https://docs.z.ai/guides/overview/pricing",
    },
  },
  {
    id: "minimax",
    name: "MiniMax",
    baseUrl: "https://api.minimax.io/v1",
    baseUrlEnv: "MINIMAX_BASE_URL",
    keyEnv: ["MINIMAX_API_KEY"],
    defaultModel: "MiniMax-M2.7",
    prices: {
      inputPerMillion: 0.3,
      outputPerMillion: 1.2,
      cachedInputPerMillion: 0.06,
      asOf: "2026-11-25",
      source: "https://platform.minimax.io/docs/guides/pricing-paygo",
    },
  },
  {
    id: "stepfun",
    name: "StepFun",
    baseUrl: "https://api.stepfun.ai/v1",
    baseUrlEnv: "STEPFUN_BASE_URL",
    keyEnv: ["STEPFUN_API_KEY", "STEP_API_KEY"],
    defaultModel: "step-3.5-flash",
    prices: {
      inputPerMillion: 0.1,
      outputPerMillion: 0.3,
      cachedInputPerMillion: 0.02,
      asOf: "2026-11-25",
      source: "https://platform.stepfun.ai/docs/en/guides/pricing/details",
    },
  },
  {
    id: "openrouter",
    name: "OpenRouter",
    baseUrl: "https://openrouter.ai/api/v1",
    baseUrlEnv: "OPENROUTER_BASE_URL",
    keyEnv: ["OPENROUTER_API_KEY"],
    defaultModel: "deepseek/deepseek-v4-flash",
    prices: {
      inputPerMillion: 0.14,
      outputPerMillion: 0.28,
      asOf: "2026-11-25",
      source: "https://openrouter.ai/deepseek/deepseek-v4-flash",
      note: "varies with the upstream host OpenRouter picks",
    },
  },
  {
    id: "openai",
    name: "OpenAI",
    baseUrl: "https://api.openai.com/v1",
    baseUrlEnv: "OPENAI_BASE_URL",
    keyEnv: ["OPENAI_API_KEY"],
    defaultModel: "gpt-5-mini",
    prices: {
      inputPerMillion: 0.25,
      outputPerMillion: 2.0,
      cachedInputPerMillion: 0.025,
      asOf: "2025-08-07",
      source: "https://developers.openai.com/api/docs/pricing",
    },
  },
  {
    id: "anthropic",
    name: "Anthropic (OpenAI-compatible endpoint)",
    baseUrl: "https://api.anthropic.com/v1",
    // Not ANTHROPIC_BASE_URL: the claude CLI reads that one, without the /v1 this endpoint needs.
    baseUrlEnv: "ANTHROPIC_OPENAI_BASE_URL",
    keyEnv: ["ANTHROPIC_API_KEY"],
    defaultModel: "claude-sonnet-4-6",
    prices: {
      inputPerMillion: 3.0,
      outputPerMillion: 15.0,
      cachedInputPerMillion: 0.3,
      asOf: "2026-11-25",
      source: "https://platform.claude.com/docs/en/about-claude/pricing",
    },
  },
];

/** The provider bamboo uses when the task names none. */
export const DEFAULT_PROVIDER = "deepseek";

/** Looks a provider up by id (case-insensitive); undefined when unknown. */
export function findProvider(id: string): ProviderInfo | undefined {
  const wanted = id.toLowerCase();
  return PROVIDERS.find((p) => p.id === wanted);
}

/** The first key variable of `provider` that is set (non-empty) in `env`, with its value. */
export function providerKey(
  provider: ProviderInfo,
  env: Record<string, string | undefined>,
): { name: string; value: string } | undefined {
  for (const name of provider.keyEnv) {
    const value = env[name];
    if (value) return { name, value };
  }
  return undefined;
}

/** The base URL to use: explicit override, then the provider's env variable, then the table. */
export function providerBaseUrl(
  provider: ProviderInfo,
  env: Record<string, string | undefined>,
  override?: string,
): string {
  return override || env[provider.baseUrlEnv] || provider.baseUrl;
}

/**
 * Cost in USD of `usage` at `prices` (cached input billed at the cached price when one is set),
 * rounded to 1e-10 USD so float noise does not show in reports.
 */
export function costOf(
  prices: Prices,
  usage: { inputTokens: number; outputTokens: number; cachedInputTokens: number },
): number {
  const cached = prices.cachedInputPerMillion ?? prices.inputPerMillion;
  const freshInput = Math.max(0, usage.inputTokens - usage.cachedInputTokens);
  const usd = (freshInput * prices.inputPerMillion + usage.cachedInputTokens * cached +
    usage.outputTokens * prices.outputPerMillion) / 1_000_000;
  return Math.round(usd * 1e10) / 1e10;
}
