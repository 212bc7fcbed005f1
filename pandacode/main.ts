/**
 * pandacode command-line entrypoint (placeholder until the CLI lands).
 * @module
 */
if (import.meta.main) {
  console.error("pandacode: not built yet");
  Deno.exit(2);
}
