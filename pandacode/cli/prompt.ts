/**
 * Where the prompt of `pandacode run` comes from: the positional words, `--prompt-file`, or stdin
 * (when neither is given and stdin is not a terminal). Exactly one source; an empty prompt is refused.
 *
 * @example
 * ```ts
 * const prompt = await readPrompt({ positionals: [], promptFile: "task.md" }, Deno.cwd());
 * ```
 * @module
 */
import { resolve } from "node:path";
import { UsageError } from "./usage.ts";

/** The prompt-related flags of `pandacode run`. */
export interface PromptSources {
  positionals: string[];
  promptFile?: string;
}

/** Reads all of stdin as text. */
async function readStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

/**
 * Resolves the prompt text. Throws {@link UsageError} when two sources are given, the file cannot be
 * read, no source is available, or the prompt is empty.
 */
export async function readPrompt(sources: PromptSources, baseDir: string): Promise<string> {
  const fromArgs = sources.positionals.length > 0;
  if (fromArgs && sources.promptFile !== undefined) {
    throw new UsageError("give the prompt either as an argument or with --prompt-file, not both");
  }
  let prompt: string;
  if (fromArgs) {
    prompt = sources.positionals.join(" ");
  } else if (sources.promptFile !== undefined) {
    try {
      prompt = await Deno.readTextFile(resolve(baseDir, sources.promptFile));
    } catch (error) {
      const reason = error instanceof Deno.errors.NotFound
        ? "no such file"
        : error instanceof Deno.errors.IsADirectory
        ? "it is a directory"
        : (error as Error).message;
      throw new UsageError(`cannot read prompt file ${sources.promptFile}: ${reason}`);
    }
  } else if (!Deno.stdin.isTerminal()) {
    prompt = await readStdin();
  } else {
    throw new UsageError("no prompt: give it as an argument, with --prompt-file, or on stdin");
  }
  if (prompt.trim() === "") throw new UsageError("the prompt is empty");
  return prompt;
}
