/**
 * The repository's Markdown files read with `marked`'s lexer (not regular expressions): which files
 * there are, their fenced code blocks, their links, and the anchors their headings make.
 *
 * @example
 * ```ts
 * for (const file of await markdownFiles()) {
 *   const doc = readMarkdown(file);
 *   for (const link of doc.links) console.log(file, link);
 * }
 * ```
 * @module
 */
import { marked, type Token, type Tokens } from "marked";
import { join } from "node:path";
import { REPO } from "../_support/odw.ts";
import { runProcess } from "../_support/odw.ts";

/** A fenced code block. */
export interface CodeBlock {
  lang: string;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** One Markdown file, lexed. */
export interface MarkdownDoc {
  /** Path relative to the repository. */
  path: string;
  text: string;
  /** Fenced code blocks in order. */
  code: CodeBlock[];
  /** Every link and image target, in order. */
  links: string[];
  /** The anchors its headings make on GitHub (`## Run records` → `run-records`; repeats get `-1`, `-2`). */
  anchors: Set<string>;
}

/** Markdown files of the repository: tracked, or new and not ignored. */
export async function markdownFiles(): Promise<string[]> {
  const out = await runProcess(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
    REPO,
  );
  if (out.code !== 0) throw new Error(`git ls-files failed: ${out.stderr}`);
  return [...new Set(out.stdout.split("\n").filter(Boolean))].sort();
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to dashes. */
export function headingSlug(text: string): string {
  return text.toLowerCase().trim().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The plain text of inline tokens (code spans and link texts included, markup dropped). */
function plainText(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens) return fallback;
  return tokens.map((t) => "tokens" in t && t.tokens ? plainText(t.tokens, "") : "text" in t ? t.text : "")
    .join(
      "",
    );
}

/** Reads and lexes one file (a path relative to the repository). */
export function readMarkdown(path: string): MarkdownDoc {
  const text = Deno.readTextFileSync(join(REPO, path));
  const tokens = marked.lexer(text);
  const code: CodeBlock[] = [];
  const links: string[] = [];
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let offset = 0;
  for (const token of tokens) {
    if (token.type === "code" && (token as Tokens.Code).codeBlockStyle !== "indented") {
      const block = token as Tokens.Code;
      code.push({ lang: block.lang ?? "", text: block.text, line: text.slice(0, offset).split("\n").length });
    }
    if (token.type === "heading") {
      const slug = headingSlug(plainText((token as Tokens.Heading).tokens, (token as Tokens.Heading).text));
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    offset += token.raw.length;
  }
  marked.walkTokens(tokens, (token) => {
    if (token.type === "link" || token.type === "image") links.push((token as Tokens.Link).href);
  });
  return { path, text, code, links, anchors };
}
