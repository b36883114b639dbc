import { assertEquals, assertStringIncludes } from "@std/assert";
import { droppedNulPieces, skippedNulPiece, stoppedAtNul } from "./_nul_evidence.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

Deno.test("stoppedAtNul() names a reply cut at its first 0x00, a line's newline after it", () => {
  const reply = bytes(0x41, 0x00, 0x42, 0x00, 0x0a);
  assertStringIncludes(stoppedAtNul(reply, bytes(0x41))!, "offset 1");
  assertStringIncludes(stoppedAtNul(reply, bytes(0x41, 0x0a))!, "offset 1");
});

Deno.test("stoppedAtNul() says nothing of a stop at a later 0x00 (past a header: its first) or of more bytes", () => {
  const reply = bytes(0x41, 0x00, 0x42, 0x00, 0x43, 0x44, 0x45);
  assertEquals(stoppedAtNul(reply, bytes(0x41, 0x00, 0x42)), undefined);
  assertEquals(stoppedAtNul(reply, bytes(0x41, 0x43, 0x44, 0x45)), undefined);
  assertStringIncludes(stoppedAtNul(reply, bytes(0x41, 0x00, 0x42), 2)!, "offset 3");
});

Deno.test("droppedNulPieces() needs every left-out run to begin with a 0x00", () => {
  const pieces = [[0x00, 0x41], [0x42], [0x00], [0x43], [0x44]].map((p) => new Uint8Array(p));
  assertStringIncludes(droppedNulPieces(pieces, bytes(0x42, 0x43, 0x44))!, "offsets 0, 3");
  assertStringIncludes(droppedNulPieces(pieces, bytes(0x42, 0x44))!, "3 of the 5 writes");
  assertEquals(droppedNulPieces(pieces, bytes(0x00, 0x41, 0x00, 0x43, 0x44)), undefined);
  assertEquals(droppedNulPieces(pieces, bytes()), undefined);
  assertEquals(droppedNulPieces(pieces, bytes(0x42, 0x45)), undefined);
});

Deno.test("skippedNulPiece() finds where the bytes after a skipped 0x00 piece come from", () => {
  const reply = Uint8Array.from({ length: 200 }, (_, i) => (i === 50 ? 0 : 1 + (i % 250)));
  const got = new Uint8Array([...reply.subarray(0, 50), ...reply.subarray(120)]);
  assertStringIncludes(skippedNulPiece(reply, got, 50)!, "the 70 bytes at offset 50");
  assertEquals(skippedNulPiece(reply, got, 49), undefined);
});
