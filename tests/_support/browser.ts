/**
 * Headless Chromium for the report tests: Debian's `/usr/bin/chromium` driven by the `playwright-core`
 * that `scripts/install-test-deps` puts in the CLI cache (loaded from there with `createRequire`, so
 * the tests need no entry in the import map and work the same locally and in CI). The network is shut:
 * every request goes through a route that lets through only what the test allows (the report file, the
 * live view on 127.0.0.1) and records the rest, and a dead proxy catches anything the route misses.
 * Every wait has a deadline; the browser is closed in `finally`.
 *
 * @module
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { DEADLINES, waitForValue, withDeadline } from "./deadline.ts";
import { cacheDir, chromiumPath } from "./prereq.ts";

/** The parts of a playwright page the tests use. */
export interface Page {
  goto(url: string): Promise<unknown>;
  waitForFunction(
    fn: string | ((arg: never) => unknown),
    arg?: unknown,
    opts?: { timeout?: number },
  ): Promise<unknown>;
  evaluate<T>(fn: string | ((arg: never) => T), arg?: unknown): Promise<T>;
  click(selector: string, opts?: { timeout?: number }): Promise<void>;
  textContent(selector: string, opts?: { timeout?: number }): Promise<string | null>;
  screenshot(opts: { path: string; fullPage?: boolean }): Promise<unknown>;
  setDefaultTimeout(ms: number): void;
  on(event: string, fn: (arg: never) => void): void;
  route(pattern: string, fn: (route: Route) => unknown): Promise<void>;
}

interface Route {
  request(): { url(): string };
  continue(): Promise<void>;
  abort(): Promise<void>;
}

interface Browser {
  newPage(opts?: { viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

interface Chromium {
  launch(opts: { executablePath: string; args?: string[]; timeout?: number }): Promise<Browser>;
}

/** What a page did besides rendering. */
export interface PageWatch {
  /** Every request the page made. */
  requests: string[];
  /** Requests the route refused. */
  blocked: string[];
  /** Uncaught errors in the page. */
  errors: string[];
  /** alert/confirm/prompt dialogs opened. */
  dialogs: string[];
}

/**
 * Polls `expression` (evaluated in the page) until it is truthy; throws after `timeoutMs`. (Playwright's
 * own waitForFunction evaluates a string with `eval`, which the report's CSP forbids.)
 */
export async function waitFor(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  // Each evaluate is bounded too: a page stuck in a script would never answer one.
  const what = `the page to satisfy ${expression}`;
  await withDeadline(
    waitForValue(
      async () => (await page.evaluate<unknown>(expression)) ? true : undefined,
      timeoutMs,
      what,
      50,
    ),
    timeoutMs + 5_000,
    what,
  );
}

/** Node modules of the CLI cache (where install-test-deps puts playwright-core). */
const CLI_MODULES = join(cacheDir(), "clis", "node_modules");

/** playwright-core's chromium launcher from the CLI cache, or null when it is not installed. */
export function playwrightChromium(): Chromium | null {
  try {
    return createRequire(`${CLI_MODULES}/`)("playwright-core").chromium as Chromium;
  } catch {
    return null;
  }
}

/** Whether the browser tests can run here (for `skipUnless`). */
export function browserAvailable(): boolean {
  return chromiumPath() !== null && playwrightChromium() !== null;
}

/**
 * Opens a page with the network shut except for URLs `allow` accepts, runs `fn`, and closes the browser.
 * Each playwright wait defaults to `timeoutMs`.
 */
export async function withPage<T>(
  allow: (url: string) => boolean,
  fn: (page: Page, watch: PageWatch) => Promise<T>,
  timeoutMs = 20_000,
): Promise<T> {
  const chromium = playwrightChromium();
  const executablePath = chromiumPath();
  if (!chromium || !executablePath) {
    throw new Error("chromium or playwright-core missing (scripts/install-test-deps)");
  }
  const browser = await chromium.launch({
    executablePath,
    timeout: timeoutMs,
    // A dead proxy for everything but loopback: a request the route let through still cannot leave.
    args: ["--proxy-server=http://127.0.0.1:9", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(timeoutMs);
    const watch: PageWatch = { requests: [], blocked: [], errors: [], dialogs: [] };
    page.on("request", (request: { url(): string }) => watch.requests.push(request.url()));
    page.on("pageerror", (error: Error) => watch.errors.push(String(error)));
    page.on("dialog", (dialog: { message(): string; dismiss(): Promise<void> }) => {
      watch.dialogs.push(dialog.message());
      dialog.dismiss().catch(() => {});
    });
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (allow(url)) return route.continue();
      watch.blocked.push(url);
      return route.abort();
    });
    return await fn(page, watch);
  } finally {
    await withDeadline(browser.close(), DEADLINES.serverClose, "chromium to close");
  }
}
