/**
 * Serves the MCP server over this process's stdin/stdout with the SDK's stdio transport, until the
 * client closes stdin (or the transport fails, e.g. on a message over {@link MAX_MESSAGE_BYTES}) or
 * SIGINT/SIGTERM arrives; then cancels the runs it started and waits for them to end.
 *
 * @module
 */
import process from "node:process";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { McpRuns } from "./runs.ts";
import { createServer, type ServerPlace } from "./server.ts";

/** Largest protocol message the transport buffers (a larger one ends the connection). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Serves until the client goes; resolves with the exit code (0, or 130 after a signal). */
export async function serveStdio(place: ServerPlace, shutdownWaitMs: number): Promise<number> {
  const runs = new McpRuns(place.runsDir);
  const server = createServer(place, runs);
  const transport = new StdioServerTransport(process.stdin, process.stdout, {
    maxBufferSize: MAX_MESSAGE_BYTES,
  });
  let code = 0;
  const gone = Promise.withResolvers<void>();
  const onSignal = (signal: Deno.Signal) => () => {
    code = 130;
    console.error(`odw mcp: ${signal}, stopping`);
    gone.resolve();
  };
  const signals = (["SIGINT", "SIGTERM"] as const).map((s) => [s, onSignal(s)] as const);
  for (const [signal, handler] of signals) Deno.addSignalListener(signal, handler);
  transport.onerror = (error) => console.error(`odw mcp: ${error.message.split("\n")[0]}`);
  process.stdin.once("end", () => gone.resolve());
  server.server.onclose = () => gone.resolve();
  await server.connect(transport);
  console.error(`odw mcp: serving ${place.projectDir} on stdio (runs in ${place.runsDir})`);
  try {
    await gone.promise;
  } finally {
    for (const [signal, handler] of signals) Deno.removeSignalListener(signal, handler);
    await runs.shutdown(shutdownWaitMs);
    await server.close().catch(() => {});
    process.stdin.destroy();
  }
  return code;
}
