/**
 * `deno task demo`: starts the reference servers in-process on ephemeral loopback ports, runs
 * every applicable case against them and prints the console report. Exits as `conform` does.
 *
 *     deno task demo                   # the echo profile over TCP and UDP
 *     deno task demo --profile all     # every built-in profile, one after another
 *     deno task demo --profile line --report html:demo.html
 *
 * @module
 */
import { serve } from "../../fixtures/references/serve.ts";
import { EXIT, exitOnError } from "../subject/args.ts";
import { conform } from "./conform.ts";
import { PROFILES } from "../subject/profiles.ts";

/**
 * Runs the demo for the profile named in `args` (`--profile NAME`, default echo, or all), and
 * returns the exit code; other arguments go to `conform`.
 *
 * @example
 * ```ts ignore
 * import { demo } from "./demo.ts";
 * Deno.exit(await demo(["--profile", "line"]));
 * ```
 */
export async function demo(args: string[]): Promise<number> {
  const i = args.indexOf("--profile");
  const name = i >= 0 ? args[i + 1] : "echo";
  const rest = i >= 0 ? [...args.slice(0, i), ...args.slice(i + 2)] : args;
  const names = name === "all" ? Object.keys(PROFILES) : [name];
  let worst = 0;
  for (const n of names) {
    const profile = PROFILES[n];
    if (!profile?.reference) {
      console.error(
        `sockspec demo: Unknown profile "${n}": expected all or one of ${
          Object.keys(PROFILES).join(", ")
        }`,
      );
      return EXIT.usage;
    }
    await using served = serve(profile.reference);
    const targets = [served.targets.tcp, served.targets.udp].flatMap((t) =>
      t ? ["--target", t.url] : []
    );
    console.log(`== ${n}: reference servers on ${targets.filter((_, j) => j % 2).join(" ")}`);
    const code = await conform([...targets, "--profile", n, ...rest]);
    worst = Math.max(worst, code);
    if (names.length > 1) console.log("");
  }
  return worst;
}

if (import.meta.main) {
  Deno.exit(await demo(Deno.args).catch((e) => exitOnError(e, console.error, "sockspec demo")));
}
