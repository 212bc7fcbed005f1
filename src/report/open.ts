/**
 * Opens a report (a file path or the live view's URL) in the person's browser: `$BROWSER` when set,
 * else the system's opener (`xdg-open`, `open`, `start`). Never fails the command: a missing opener is
 * one line on stderr.
 *
 * @module
 */

/** The command that opens `target` here. */
export function openerFor(target: string): { command: string; args: string[] } {
  const browser = Deno.env.get("BROWSER");
  if (browser) return { command: browser, args: [target] };
  if (Deno.build.os === "darwin") return { command: "open", args: [target] };
  if (Deno.build.os === "windows") return { command: "cmd", args: ["/c", "start", "", target] };
  return { command: "xdg-open", args: [target] };
}

/** Starts the opener for `target` without waiting for the browser; says on stderr when it cannot. */
export function openInBrowser(target: string, warn: (line: string) => void = console.error): void {
  const { command, args } = openerFor(target);
  try {
    const child = new Deno.Command(command, { args, stdin: "null", stdout: "null", stderr: "null" }).spawn();
    child.unref();
    child.status.catch(() => {});
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? `${command} not found (set BROWSER)`
      : (e as Error).message;
    warn(`odw: could not open ${target}: ${why}`);
  }
}
