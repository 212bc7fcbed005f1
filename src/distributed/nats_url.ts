/**
 * Checking a NATS server address given on the command line or in `.odw/config.json`, kept apart from
 * the NATS client so commands that only read the flag do not load it.
 *
 * @module
 */
import { UsageError } from "../common/cli_kit.ts";

/** Checks a `--nats` value: `nats://host:port`, `host:port` or several of them separated by commas. */
export function checkNatsUrl(url: string, where = "--nats"): string {
  const servers = url.split(",").map((s) => s.trim());
  for (const server of servers) {
    const withScheme = /^[a-z]+:\/\//.test(server) ? server : `nats://${server}`;
    let parsed: URL | undefined;
    try {
      parsed = new URL(withScheme);
    } catch { /* reported below */ }
    if (!parsed || !["nats:", "tls:"].includes(parsed.protocol) || parsed.hostname === "") {
      throw new UsageError(`${where}: not a NATS server address: "${server}" (e.g. nats://127.0.0.1:4222)`);
    }
  }
  return url;
}
