/**
 * pandacode's help texts and its version (the shared `UsageError` is re-exported for its commands).
 *
 * @module
 */

import { VERSION } from "../../src/common/version.ts";

/** The pandacode version printed by `pandacode --version` (deno.json's, shared with odw). */
export const PANDACODE_VERSION: string = VERSION;

export { EXIT_USAGE, UsageError } from "../../src/common/cli_kit.ts";

/** `pandacode --help`. */
export const MAIN_HELP =
  `pandacode ${PANDACODE_VERSION} — run one coding task on codex, claude or bamboo and report it

Usage:
  pandacode run --runtime <codex|claude|bamboo> [options] [prompt]
  pandacode providers [--json]
  pandacode doctor [--json]
  pandacode --help | --version

Commands:
  run        run one task and print its report (see: pandacode run --help)
  providers  list bamboo's providers: base URL, key variable, default model, prices, key set or not
  doctor     find the codex and claude CLIs (with versions) and which provider keys are set
`;

/** `pandacode run --help`. */
export const RUN_HELP = `Usage: pandacode run --runtime <codex|claude|bamboo> [options] [prompt]

The prompt is the positional argument, or --prompt-file, or stdin (when no prompt is given and
stdin is not a terminal).

Options:
  --runtime <r>            codex, claude or bamboo (required)
  --provider <p>           bamboo provider (default deepseek; see pandacode providers)
  --model <m>              model id (default: the runtime's or the provider's default)
  --cwd <dir>              working directory of the task (default: the current directory)
  --schema <file|json>     JSON Schema (root type object) the structured output must satisfy
  --effort <e>             low, medium, high, xhigh or max
  --timeout <duration>     whole-task limit, e.g. 90s, 5m, 1h30m (a bare number is seconds)
  --max-output-tokens <n>  output token limit per model call
  --base-url <url>         model endpoint override
  --prompt-file <file>     read the prompt from a file
  --retries <n>            transport retries of a model call on 429/5xx/network errors (bamboo; default 4)
  --heartbeat              print a "pandacode: alive" line on stderr (at most once a second) while the
                           runtime shows signs of life (odw's stall detector reads it)
  --json                   print exactly one JSON report on stdout
  -h, --help               this help

Exit codes: 0 completed, 1 failed / timeout / cancelled, 2 bad usage.
`;

/** `pandacode providers --help`. */
export const PROVIDERS_HELP = `Usage: pandacode providers [--json]

Lists bamboo's providers with base URL (after the env override), key variable(s), default model,
prices per million tokens (with the date they were read) and whether a key is set. Key values are
never printed.
`;

/** `pandacode doctor --help`. */
export const DOCTOR_HELP = `Usage: pandacode doctor [--json]

Finds the codex and claude CLIs (PANDACODE_CODEX_BIN / PANDACODE_CLAUDE_BIN, else PATH), prints
their --version output, and which provider keys are set. Always exits 0.
`;
