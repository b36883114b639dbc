/** The tool's name and version, as reports print them. */
export const TOOL = { name: "sockspec", version: "0.1.0" } as const;
