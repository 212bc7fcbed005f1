/**
 * The workflow's `console`, as the built-in runtime formats it: every method writes one line to the
 * run log (never to odw's stdout, which `--json` owns). Arguments are joined by spaces: strings as
 * they are, other primitives through `JSON.stringify` (a bigint as `[bigint]`), objects and functions
 * through `JSON.stringify` unless that gives nothing or `{}`, then by their `String()` unless that is
 * `[object Object]`. `console.error` / `console.warn` lines start with `[error] ` / `[warn] `. The
 * console timers read the clock, so they do nothing; `trace` gives no stack. A child workflow's console
 * prefixes its lines with `[<name>] `, as its `log()` does.
 *
 * Self-contained (no imports at run time): the host stringifies it into the worker source.
 *
 * @module
 */

/**
 * A console whose every method logs through `log`. With `install`, the global `console`'s methods
 * are replaced by it too (for the top level; a child workflow gets its own, prefixed).
 */
export function makeConsole(log: (message: string) => void, install = false): Record<string, unknown> {
  const format = (value: unknown): string | undefined => {
    if (typeof value === "string") return value;
    if (value === null || (typeof value !== "object" && typeof value !== "function")) {
      try {
        return JSON.stringify(value);
      } catch {
        return `[${typeof value}]`;
      }
    }
    let fallback: string;
    try {
      const json = JSON.stringify(value);
      if (json !== undefined && json !== "{}") return json;
      fallback = json ?? `[${typeof value}]`;
    } catch {
      return `[${typeof value}]`;
    }
    let text: string;
    try {
      text = String(value);
    } catch {
      return fallback;
    }
    return text === "[object Object]" ? fallback : text;
  };
  const line = (prefix: string) => (...parts: unknown[]) =>
    log(prefix + parts.map((p) => format(p) ?? "").join(" "));
  const plain = line("");
  const counts = new Map<string, number>();
  const ignore = () => {};
  const methods: Record<string, (...parts: unknown[]) => unknown> = {
    log: plain,
    info: plain,
    debug: plain,
    error: line("[error] "),
    warn: line("[warn] "),
    assert: (condition, ...parts) => {
      if (!condition) plain(parts.length ? "Assertion failed:" : "Assertion failed", ...parts);
    },
    count: (label = "default") => {
      const n = (counts.get(String(label)) ?? 0) + 1;
      counts.set(String(label), n);
      plain(`${String(label)}: ${n}`);
    },
    countReset: (label = "default") => counts.delete(String(label)),
    trace: (...parts) => plain("Trace:", ...parts),
    groupEnd: ignore,
    time: ignore,
    timeLog: ignore,
    timeEnd: ignore,
    timeStamp: ignore,
    profile: ignore,
    profileEnd: ignore,
    clear: ignore,
    createTask: () => ({ run: (fn: () => unknown) => fn() }),
    context: () => console,
  };
  const made: Record<string, unknown> = {};
  const global = console as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(global)) {
    if (typeof value !== "function") continue;
    made[name] = methods[name] ?? plain;
    if (install) global[name] = made[name];
  }
  return made;
}
