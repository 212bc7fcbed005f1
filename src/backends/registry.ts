/**
 * The backends odw knows, by name, and how each is created: `mock` (optionally with a scenario file)
 * and `pandacode` (in-process, or a pandacode-compatible executable per try). Each is loaded on use, so
 * a mock run never loads the executors. An unknown name or an unusable option is a
 * {@link UsageError} with one line.
 *
 * @example
 * ```ts
 * const backend = await createBackend({ name: "pandacode", pandacode: "/usr/local/bin/pandacode" });
 * ```
 * @module
 */
import { UsageError } from "../common/cli_kit.ts";
import type { Backend } from "./backend.ts";

/** Backend names, in the order `--help` lists them. */
export const BACKEND_NAMES = ["mock", "pandacode"] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = typeof BACKEND_NAMES[number];

/** What a backend is created from. */
export interface BackendChoice {
  name: string;
  /** `mock`: the scenario file (`--mock-scenario`). */
  mockScenario?: string;
  /** `mock`: the scenario as a value (a library caller's); checked like a file's. */
  scenario?: unknown;
  /** `pandacode`: a pandacode-compatible executable to spawn per try; absent: in-process. */
  pandacode?: string;
}

/** True when `name` is a backend odw knows. */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** Creates the chosen backend; bad choices throw a {@link UsageError}. */
export async function createBackend(choice: BackendChoice): Promise<Backend> {
  if (!isBackendName(choice.name)) {
    throw new UsageError(`unknown backend "${choice.name}" (available: ${BACKEND_NAMES.join(", ")})`);
  }
  if (choice.name === "mock") {
    if (choice.pandacode !== undefined) throw new UsageError("--pandacode needs --backend pandacode");
    const { MockBackend } = await import("./mock.ts");
    if (choice.mockScenario === undefined && choice.scenario === undefined) return new MockBackend();
    try {
      const { loadScenario, parseScenario } = await import("./mock_scenario.ts");
      return new MockBackend(
        choice.mockScenario === undefined
          ? parseScenario(choice.scenario)
          : await loadScenario(choice.mockScenario),
      );
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (choice.mockScenario !== undefined) throw new UsageError("--mock-scenario needs --backend mock");
  if (choice.scenario !== undefined) throw new UsageError("a mock scenario needs the mock backend");
  const { PandacodeBackend } = await import("./pandacode.ts");
  return new PandacodeBackend(
    choice.pandacode === undefined
      ? { kind: "in-process" }
      : { kind: "process", command: [choice.pandacode] },
  );
}
