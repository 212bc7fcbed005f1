/**
 * Answers from the host as the workflow script receives them: an error rebuilt with its standard
 * class, a value checked against the built-in's 4096-item VM boundary. The core (`core.ts`) calls
 * these while it dispatches host messages, so they too use only built-ins captured when
 * {@link makeHostValues} ran (before any script code), null-prototype descriptors and index loops.
 *
 * Self-contained: the host stringifies it into the worker source.
 *
 * @module
 */

/** The two conversions. */
export interface HostValues {
  /** An error the host sent, rebuilt with its class when it is a standard one. */
  errorFromHost(wire: unknown): Error;
  /** The host's freshly parsed value as is, or a throw when an array in it is over 4096 items. */
  valueFromHost(value: unknown): unknown;
}

/** Captures what the conversions use; call before any script code runs. */
export function makeHostValues(): HostValues {
  const hasOwn = Object.hasOwn;
  const keys = Object.keys;
  const defineProperty = Object.defineProperty;
  const setPrototypeOf = Object.setPrototypeOf;
  const isArray = Array.isArray;
  const SafeError = Error;
  const STANDARD_ERRORS = {
    __proto__: null,
    Error,
    TypeError,
    RangeError,
    SyntaxError,
  } as unknown as Record<string, ErrorConstructor | undefined>;
  const text = (o: unknown, key: string): string | undefined => {
    if (o === null || typeof o !== "object" || !hasOwn(o, key)) return undefined;
    const value = (o as Record<string, unknown>)[key];
    return typeof value === "string" ? value : undefined;
  };
  const errorFromHost = (wire: unknown): Error => {
    const name = text(wire, "name") ?? "Error";
    const Standard = STANDARD_ERRORS[name];
    const error = new (Standard ?? SafeError)(text(wire, "message") ?? "");
    // A descriptor without a prototype: a script's Object.prototype.get cannot turn it into a getter.
    const own = { __proto__: null, value: name, writable: true, enumerable: true, configurable: true };
    if (Standard === undefined) defineProperty(error, "name", own as PropertyDescriptor);
    return error;
  };
  const valueFromHost = (value: unknown): unknown => {
    const stack: unknown[] = setPrototypeOf([], null);
    let count = 0;
    stack[count++] = value;
    while (count > 0) {
      const item = stack[--count];
      if (item === null || typeof item !== "object") continue;
      if (isArray(item)) {
        const length = item.length;
        if (length > 4096) {
          throw new SafeError(
            `array length ${length} exceeds the maximum of 4096 supported across the workflow VM boundary`,
          );
        }
        for (let i = 0; i < length; i++) stack[count++] = item[i];
      } else {
        const names = keys(item);
        for (let i = 0; i < names.length; i++) stack[count++] = (item as Record<string, unknown>)[names[i]];
      }
    }
    return value;
  };
  return { errorFromHost, valueFromHost };
}
