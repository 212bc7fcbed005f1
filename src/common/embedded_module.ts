/**
 * A module of build-time raw imports (`with { type: "bytes" }`: the report's scripts, the files
 * `odw init` copies), reached only through a dynamic import. By default the import's specifier is held
 * in a variable, so the published module graph does not include the raw imports (JSR refuses them);
 * the bundle and compile entry (`src/cli/bundle.ts`) names the module with a literal the bundler
 * follows ({@link EmbeddedModule.loadWith}), into a chunk of its own that loads only when used.
 *
 * @example
 * ```ts
 * const SPECIFIER = "./my_assets.ts";
 * export const ASSETS = new EmbeddedModule(() => import(SPECIFIER));
 * // in the bundle entry, a literal the bundler follows: ASSETS.loadWith(() => import("./my_assets.ts"));
 * const module = await ASSETS.load();
 * ```
 * @module
 */

/** How one embedded module is loaded. */
export class EmbeddedModule<T> {
  #load: () => Promise<T>;

  /** `load` imports the module through a specifier held in a variable (the sources' way). */
  constructor(load: () => Promise<T>) {
    this.#load = load;
  }

  /** Replaces how it is loaded: the bundle entry's literal `import()`. */
  loadWith(load: () => Promise<T>): void {
    this.#load = load;
  }

  /** Loads the module (once; later calls get the same module). */
  load(): Promise<T> {
    return this.#load();
  }
}
