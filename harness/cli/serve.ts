/**
 * `deno task serve`: runs a profile's reference servers (or a mutant) until Ctrl-C.
 *
 *     deno task serve --profile echo --tcp 7777 --udp 7777 [--host 127.0.0.1]
 *     deno task serve --mutant wrong-bytes
 *     deno task serve --case client.udp.lost-request [--profile echo]
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { MUTANTS } from "../../fixtures/mutants/mod.ts";
import { serve, type Served } from "../../fixtures/references/serve.ts";
import { exitOnError } from "../subject/args.ts";
import { errorText, UsageError } from "../mod.ts";
import { loadProfile } from "../subject/profiles.ts";
import { serveCase } from "../subject/client/serve_case.ts";

const USAGE = `Usage: deno task serve --profile NAME [--tcp PORT] [--udp PORT] [--host HOST]
       deno task serve --mutant NAME
       deno task serve --case CLIENT-CASE-ID [--profile NAME] [--tcp PORT | --udp PORT]

Runs the reference servers of a profile (both of its transports on ephemeral ports when no port
is given), or a deliberately buggy mutant on ephemeral ports. Binds 127.0.0.1 unless --host is
given. --case runs a client case's adversarial server and prints what it does, to try a client
against by hand. Ctrl-C stops it. Exit codes: 0 stopped cleanly, 2 usage error (unknown profile,
port in use, a missing permission), 4 internal error`;

function port(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`Option --${name} needs a port number 0-65535, got "${value}"`);
  }
  return n;
}

/** Starts what the arguments ask for; resolves to the running servers. */
async function startFromArgs(args: string[]): Promise<Served | null> {
  const raw = parseArgs(args, {
    string: ["profile", "tcp", "udp", "host", "mutant", "case"],
    boolean: ["help"],
    unknown: (arg: string) => {
      throw new UsageError(
        `Unknown ${arg.startsWith("-") ? "option" : "argument"} "${arg}" (see --help)`,
      );
    },
  });
  if (raw.help) {
    console.log(USAGE);
    return null;
  }
  if (raw.mutant !== undefined) {
    const m = MUTANTS.find((m) => m.name === raw.mutant);
    if (!m) {
      throw new UsageError(
        `Unknown mutant "${raw.mutant}": expected one of ${MUTANTS.map((m) => m.name).join(", ")}`,
      );
    }
    console.log(`mutant ${m.name} (${m.profile}): ${m.bug}`);
    return await m.start();
  }
  if (raw.case !== undefined) {
    return await serveCase(raw.case as string, (raw.profile as string | undefined) ?? "echo", {
      hostname: (raw.host as string | undefined) ?? "127.0.0.1",
      port: port("tcp", raw.tcp) ?? port("udp", raw.udp),
    });
  }
  const profile = await loadProfile((raw.profile as string | undefined) ?? "echo");
  const ref = profile.reference;
  if (!ref) throw new UsageError(`Profile "${profile.name}" has no reference server`);
  let tcpPort = port("tcp", raw.tcp), udpPort = port("udp", raw.udp);
  if (tcpPort === undefined && udpPort === undefined) {
    // No port given: every transport the reference serves, on ephemeral ports.
    if (ref.tcp) tcpPort = 0;
    if (ref.udp) udpPort = 0;
  }
  for (const [t, p] of [["tcp", tcpPort], ["udp", udpPort]] as const) {
    if (p !== undefined && !ref[t]) {
      throw new UsageError(`Profile "${profile.name}" has no ${t.toUpperCase()} reference server`);
    }
  }
  const hostname = (raw.host as string | undefined) ?? "127.0.0.1";
  try {
    return serve({
      tcp: tcpPort !== undefined ? ref.tcp : undefined,
      udp: udpPort !== undefined ? ref.udp : undefined,
    }, { hostname, tcpPort, udpPort });
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) {
      throw new UsageError(`Port already in use on ${hostname}: ${errorText(e)}`, { cause: e });
    }
    if (e instanceof Deno.errors.AddrNotAvailable || e instanceof Deno.errors.PermissionDenied) {
      throw new UsageError(`Cannot bind ${hostname}: ${errorText(e)}`, { cause: e });
    }
    throw e;
  }
}

/**
 * `serve`: serves a reference server or a mutant until Ctrl-C (or SIGTERM), and returns the exit
 * code.
 *
 * @example
 * ```ts ignore
 * import { serveCommand } from "./serve.ts";
 * Deno.exit(await serveCommand(["--profile", "echo"]));
 * ```
 */
export async function serveCommand(args: string[]): Promise<number> {
  let served: Served | null;
  try {
    served = await startFromArgs(args);
  } catch (e) {
    return exitOnError(e, console.error, "sockspec serve");
  }
  if (!served) return 0;
  const urls = [served.targets.tcp?.url, served.targets.udp?.url].filter(Boolean);
  console.log(`serving ${urls.join(" ")} (Ctrl-C stops)`);
  const { promise, resolve } = Promise.withResolvers<void>();
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, resolve);
  await promise;
  await served.close();
  console.log("stopped");
  return 0;
}

if (import.meta.main) Deno.exit(await serveCommand(Deno.args));
