import { assertEquals } from "@std/assert";
import { freePort } from "./free_port.ts";

Deno.test("freePort() does not hand out a port twice, in this process or another", async () => {
  const here = new Set(Array.from({ length: 100 }, () => freePort("tcp")));
  assertEquals(here.size, 100);
  // Another sockspec process on the machine draws from the same range.
  const code = `import { freePort } from ${
    JSON.stringify(new URL("./free_port.ts", import.meta.url).href)
  };
    console.log(JSON.stringify(Array.from({ length: 100 }, () => freePort("tcp"))));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const there: number[] = JSON.parse(new TextDecoder().decode(out.stdout));
  assertEquals(there.filter((p) => here.has(p)), []);
});
