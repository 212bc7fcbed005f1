/**
 * odw command-line entrypoint (placeholder until the CLI lands).
 * @module
 */
if (import.meta.main) {
  console.error("odw: not built yet");
  Deno.exit(2);
}
