/**
 * `sockspec`: the one command, with a subcommand for each task: `conform`, `grade`, `serve`,
 * `list` and `demo`, and `--version` and `--help` on each. It is the package's command entry:
 *
 *     deno install -g -A -n sockspec jsr:@sockspec/sockspec/cli
 *     sockspec conform --target tcp://127.0.0.1:7777 --profile echo
 *     deno run -A jsr:@sockspec/sockspec/cli conform --exec './server {port}'
 *
 * Each subcommand is the task of the same name (`deno task conform …` stays as an alias). Run
 * without a permission a subcommand needs, it says which in one line and exits 2; run without
 * Deno's `--unstable-net` (UDP sockets), it starts itself again with it.
 *
 * @module
 */
import { closestString } from "@std/text/closest-string";
import { TOOL } from "../mod.ts";
import { CONSOLE_IO, EXIT, exitOnError, type Io } from "../subject/args.ts";
import { conform } from "../cli/conform.ts";
import { demo } from "../cli/demo.ts";
import { grade } from "../cli/grade.ts";
import { serveCommand } from "../cli/serve.ts";

/** A subcommand: what it does, the permissions it needs, and how it runs. */
interface Subcommand {
  /** One line for `--help`. */
  summary: string;
  /** Deno permissions it needs; `--exec`, `--client` and `--build` need every one. */
  needs: readonly Deno.PermissionName[];
  run(args: string[], io: Io): Promise<number>;
}

const BASE: readonly Deno.PermissionName[] = ["net", "read", "write", "env", "ffi"];
/** What launching a program needs: Deno lets only `--allow-all` read `/proc`. */
const ALL: readonly Deno.PermissionName[] = ["net", "read", "write", "env", "ffi", "run", "sys"];

/** The subcommands, by name. */
export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  conform: {
    summary: "run the suites against a target, a program it launches (--exec) or a client",
    needs: BASE,
    run: (args, io) => conform(args, { io }),
  },
  grade: {
    summary: "grade a roster of students' targets or programs into a gradebook",
    needs: BASE,
    run: (args, io) => grade(args, { io }),
  },
  serve: {
    summary: "serve a reference server or a mutant on loopback until Ctrl-C",
    needs: [...BASE, "run"],
    run: (args) => serveCommand(args),
  },
  list: {
    summary: "print every case id and title (conform --list)",
    needs: ["read", "env"],
    run: (args, io) => conform(["--list", ...args], { io }),
  },
  demo: {
    summary: "start the reference servers and run every case against them",
    needs: BASE,
    run: (args) => demo(args),
  },
};

/** The text of `sockspec --help`. */
export function usageText(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length)) + 2;
  const lines = Object.entries(SUBCOMMANDS).map(([name, c]) =>
    `  ${name.padEnd(width)}${c.summary}`
  );
  return `Usage: sockspec COMMAND [options]   (sockspec COMMAND --help for its options)

Commands:
${lines.join("\n")}

Options:
  --version  print the version
  --help     print this text

Install: deno install -g -A -n sockspec jsr:@sockspec/sockspec/cli`;
}

/**
 * Runs `sockspec ARGS…` and returns the exit code: the subcommand's, or 2 for an unknown
 * subcommand or a missing permission (one line on `io.err`).
 *
 * @example
 * ```ts
 * import { sockspec } from "./sockspec.ts";
 * const lines: string[] = [];
 * const code = await sockspec(["--version"], { out: (l) => lines.push(l), err: () => {} });
 * console.log(code, lines[0]); // 0 "sockspec 0.1.0"
 * ```
 */
export async function sockspec(args: readonly string[], io: Io = CONSOLE_IO): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    io.err(`sockspec: expected a command: ${Object.keys(SUBCOMMANDS).join(", ")} (see --help)`);
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.out(usageText());
    return EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    io.out(`${TOOL.name} ${TOOL.version}`);
    return EXIT.ok;
  }
  const command = SUBCOMMANDS[name];
  if (!command) {
    const known = Object.keys(SUBCOMMANDS);
    const hint = name.startsWith("-") ? "" : ` (did you mean "${closestString(name, known)}"?)`;
    io.err(`sockspec: unknown command "${name}"${hint}: expected one of ${known.join(", ")}`);
    return EXIT.usage;
  }
  if (rest.includes("--version")) {
    io.out(`${TOOL.name} ${name} ${TOOL.version}`);
    return EXIT.ok;
  }
  if (!rest.includes("--help")) {
    const launches = rest.some((a) => /^--(exec|client|build)(=|$)/.test(a));
    const missing = missingPermissions(launches ? ALL : command.needs);
    if (missing.length > 0) {
      io.err(
        `sockspec ${name}: needs ${missing.map((p) => `--allow-${p}`).join(" ")}` +
          ` (run it with -A, as in deno run -A jsr:@sockspec/sockspec/cli ${name} …)`,
      );
      return EXIT.usage;
    }
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    return exitOnError(e, io.err, `sockspec ${name}`);
  }
}

/** The permissions of `needs` this run was not granted (queried: nothing ever prompts). */
export function missingPermissions(needs: readonly Deno.PermissionName[]): Deno.PermissionName[] {
  return needs.filter((name) => Deno.permissions.querySync({ name }).state !== "granted");
}

/**
 * Starts this entry again with `--unstable-net` (UDP sockets) and the permissions this run has,
 * forwarding signals, and returns its exit code; null when it cannot (no `--allow-run`).
 */
async function againWithUnstableNet(args: readonly string[]): Promise<number | null> {
  if (Deno.permissions.querySync({ name: "run" }).state !== "granted") return null;
  const granted = (["read", "write", "net", "env", "sys", "run", "ffi", "import"] as const)
    .filter((name) => Deno.permissions.querySync({ name }).state === "granted")
    .map((name) => `--allow-${name}`);
  const entry = import.meta.url;
  // A checkout's entry needs its deno.json (the import map); a published one brings its own.
  const config = entry.startsWith("file:")
    ? ["--config", new URL("../../deno.json", entry).pathname]
    : [];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--unstable-net", ...config, ...granted, entry, ...args],
    env: { [REEXEC]: String(Deno.pid) },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const forward = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((sig) => {
    const handler = () => {
      try {
        child.kill(sig);
      } catch { /* gone */ }
    };
    Deno.addSignalListener(sig, handler);
    return () => Deno.removeSignalListener(sig, handler);
  });
  const status = await child.status;
  forward.forEach((remove) => remove());
  return status.signal ? 128 + signalNumber(status.signal) : status.code;
}

/** Marks the second start; its value is the first one's pid. */
const REEXEC = "SOCKSPEC_REEXEC_PARENT";

function signalNumber(name: Deno.Signal): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[name] ?? 1;
}

/**
 * In the second start: when the first dies without forwarding a signal (SIGKILL), end as if
 * terminated, so every program this run launched is killed on the way out.
 */
function followParent(): void {
  const parent = Number(Deno.env.get(REEXEC));
  const timer = setInterval(() => {
    if (Deno.ppid !== parent) Deno.kill(Deno.pid, "SIGTERM");
  }, 200);
  Deno.unrefTimer(timer);
}

if (import.meta.main) {
  if (typeof Deno.listenDatagram !== "function") {
    const code = await againWithUnstableNet(Deno.args);
    if (code === null) {
      console.error(
        "sockspec: needs --unstable-net (UDP sockets), or --allow-run to add it itself: " +
          "deno run -A jsr:@sockspec/sockspec/cli …",
      );
      Deno.exit(EXIT.usage);
    }
    Deno.exit(code);
  }
  if (Deno.permissions.querySync({ name: "env", variable: REEXEC }).state === "granted") {
    if (Deno.env.get(REEXEC)) followParent();
  }
  Deno.exit(await sockspec(Deno.args));
}
