/**
 * sockspec's name and version, as reports give them.
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };

/** The tool's name and version, as reports print them: the version is the package's (`deno.json`). */
export const TOOL: { readonly name: "sockspec"; readonly version: string } = {
  name: "sockspec",
  version: config.version,
};
