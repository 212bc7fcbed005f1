/**
 * How values and errors cross between a workflow script and the runtime, with the built-in's rules:
 * option checks, the prompt/title/log text conversion, the copy a value gets at the VM boundary, and
 * errors as they travel in messages.
 *
 * These run on the script's side of the runtime and use the realm's built-ins as the script left
 * them: a script that replaces them changes only what it sends itself, which the host validates (the
 * channel and the message dispatch do not depend on them; see `worker_main.ts`).
 *
 * Self-contained (no imports at run time): the host stringifies it into the worker source.
 *
 * @module
 */
import type { AgentCallOptions, WireError } from "../protocol.ts";

/** The helpers. */
export interface ValueHelpers {
  /** The built-in's conversion of prompts, titles and log messages: primitives by String(), else a tag. */
  textOf(value: unknown): string;
  /** Options as the built-in reads them: a non-object means none; string options are coerced. */
  checkOptions(opts: unknown): AgentCallOptions;
  /**
   * A value as it crosses from a script to its caller: own enumerable properties copied (a Date, Map or
   * Error becomes `{}`, `toJSON` is not called), function-valued properties dropped, shared and cyclic
   * references kept, and arrays of more than 4096 elements refused.
   */
  cloneValue(value: unknown): unknown;
  /** Whether a JSON value nests deeper than `max` levels (counted without recursion). */
  deeperThan(value: unknown, max: number): boolean;
  /** The JSON text of a workflow's result (absent for undefined), with the built-in's errors. */
  resultJson(value: unknown): string | undefined;
  /** A thrown value as the built-in reads it: an object's own name/message when they are strings. */
  toWire(error: unknown): WireError;
  /** An error made outside the script's realm (what a parent gets from a failed child). */
  foreignError(wire: WireError): Error;
}

/** Creates the helpers (a function, so the sandbox can receive it as source text). */
export function makeValueHelpers(): ValueHelpers {
  const MAX_ITEMS = 4096;
  const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  const textOf = (v: unknown): string =>
    v === null || v === undefined || (typeof v !== "object" && typeof v !== "function")
      ? String(v)
      : `[${typeof v}]`;
  const STRING_OPTIONS = [
    "label",
    "phase",
    "model",
    "effort",
    "isolation",
    "agentType",
    "runtime",
    "provider",
  ];
  const checkOptions = (opts: unknown): AgentCallOptions => {
    if (opts === null || typeof opts !== "object" || Array.isArray(opts)) return {};
    const o: Record<string, unknown> = { ...(opts as Record<string, unknown>) };
    for (const key of STRING_OPTIONS) {
      if (o[key] === null || o[key] === undefined) delete o[key];
      else if (typeof o[key] !== "string") o[key] = String(o[key]);
    }
    if (typeof o.label === "string") o.label = o.label.replace(/\s+/g, " ").trim();
    if (o.schema === null) delete o.schema;
    for (const name of ["timeout", "stallTimeout"]) {
      if (o[name] !== undefined && typeof o[name] !== "string" && typeof o[name] !== "number") {
        throw new TypeError(`agent() option "${name}" must be a duration string or milliseconds`);
      }
    }
    if (o.retries !== undefined && typeof o.retries !== "number") {
      throw new TypeError(`agent() option "retries" must be a number`);
    }
    try {
      return JSON.parse(JSON.stringify(o));
    } catch (e) {
      throw new TypeError(`agent() options must be JSON-serialisable: ${messageOf(e)}`);
    }
  };
  const cloneValue = (value: unknown, seen = new Map<object, unknown>()): unknown => {
    if (typeof value === "function") return undefined;
    if (value === null || typeof value !== "object") return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS) {
        throw new Error(
          `array length ${value.length} exceeds the maximum of ${MAX_ITEMS} supported across the workflow VM boundary`,
        );
      }
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(cloneValue(item, seen));
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item !== "function") out[key] = cloneValue(item, seen);
    }
    return out;
  };
  const deeperThan = (value: unknown, max: number): boolean => {
    const stack: Array<[unknown, number]> = [[value, 1]];
    while (stack.length > 0) {
      const [item, depth] = stack.pop()!;
      if (item === null || typeof item !== "object") continue;
      if (depth > max) return true;
      for (const child of Object.values(item)) stack.push([child, depth + 1]);
    }
    return false;
  };
  const resultJson = (result: unknown): string | undefined => {
    if (typeof result === "function") throw new Error("workflow result cannot be a function");
    if (typeof result === "symbol") {
      const uncloneable = new Error("The object can not be cloned.");
      uncloneable.name = "DataCloneError";
      throw uncloneable;
    }
    const copy = cloneValue(result);
    try {
      return JSON.stringify(copy);
    } catch (e) {
      // The built-in's (JavaScriptCore's) wording for what JSON cannot carry.
      const why = messageOf(e);
      throw new TypeError(
        /BigInt/i.test(why)
          ? "JSON.stringify cannot serialize BigInt."
          : /circular|cyclic/i.test(why)
          ? "JSON.stringify cannot serialize cyclic structures."
          : why,
      );
    }
  };
  /** A property read that cannot throw or return a non-string (getters, symbols, proxies). */
  const stringProp = (o: unknown, key: string): string | undefined => {
    try {
      const value = (o as Record<string, unknown>)[key];
      return typeof value === "string" ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const toWire = (e: unknown): WireError => {
    if (e === null || e === undefined) return { name: "Error", message: "" };
    if (typeof e === "object" || typeof e === "function") {
      let isError = false;
      try {
        isError = e instanceof Error;
      } catch { /* a proxy's trap threw */ }
      const wire: WireError = {
        name: stringProp(e, "name") ?? "Error",
        message: stringProp(e, "message") ?? "",
      };
      const stack = isError ? stringProp(e, "stack") : undefined;
      if (stack !== undefined) wire.stack = stack;
      return wire;
    }
    let message: string;
    try {
      message = String(e);
    } catch {
      message = `[${typeof e}]`;
    }
    return { name: "Error", message };
  };
  const FOREIGN_ERROR = Object.freeze({
    toString(this: { name: string; message: string }) {
      return this.message ? `${this.name}: ${this.message}` : this.name;
    },
  });
  const foreignError = (w: WireError): Error => {
    const error = Object.create(FOREIGN_ERROR) as Error;
    error.name = w.name;
    Object.defineProperty(error, "message", { value: w.message, writable: true, configurable: true });
    Object.defineProperty(error, "stack", {
      value: `${w.name}: ${w.message}`,
      writable: true,
      configurable: true,
    });
    return error;
  };
  return {
    textOf,
    checkOptions,
    cloneValue: (v) => cloneValue(v),
    deeperThan,
    resultJson,
    toWire,
    foreignError,
  };
}
