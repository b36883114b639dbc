/**
 * The seeded random numbers of a run: one stream per case, derived from the run's seed and the
 * case's id, so a case replays alone with `--seed` and `--only`.
 *
 * @module
 */
/** A seeded pseudo-random generator: the same seed gives the same numbers on every machine. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** `n` random bytes from `alphabet`. */
  pick(n: number, alphabet: Uint8Array): Uint8Array;
}

/**
 * Makes a seeded generator (mulberry32). Cases get one seeded from the run's seed and their own id,
 * so `--only ID --seed N` replays the same split plans as the full run did.
 *
 * @example
 * ```ts
 * import { makeRng } from "./rng.ts";
 * const rng = makeRng(42);
 * const cut = rng.int(1, 10);
 * ```
 */
export function makeRng(seed: number): Rng {
  let state = seed >>> 0;
  // mulberry32. `pick` repeats its steps inline and takes four bytes from each: a payload of 8 MiB
  // is two million steps, made while the run's other cases wait on the same thread.
  const step = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (x ^ (x >>> 14)) >>> 0;
  };
  const next = () => step() / 4294967296;
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = (n: number, alphabet: ArrayLike<number>) => {
    // Each random byte b picks alphabet[floor(b * size / 256)]: every symbol of an alphabet of up
    // to 256 is drawn, each within one part in 256 of its fair share.
    const table = new Uint8Array(256);
    for (let b = 0; b < 256; b++) table[b] = alphabet[(b * alphabet.length) >>> 8];
    const out = new Uint8Array(n);
    const whole = n - (n % 4);
    let s = state;
    let i = 0;
    for (; i < whole; i += 4) {
      s = (s + 0x6d2b79f5) >>> 0;
      let x = Math.imul(s ^ (s >>> 15), s | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      x = (x ^ (x >>> 14)) >>> 0;
      out[i] = table[x & 255];
      out[i + 1] = table[(x >>> 8) & 255];
      out[i + 2] = table[(x >>> 16) & 255];
      out[i + 3] = table[x >>> 24];
    }
    state = s;
    for (let x = i < n ? step() : 0; i < n; i++, x >>>= 8) out[i] = table[x & 255];
    return out;
  };
  return { next, int, bytes: (n) => pick(n, BYTE_VALUES), pick };
}

/** Every byte value, in order: `bytes(n)` picks from these. */
const BYTE_VALUES = Uint8Array.from({ length: 256 }, (_, i) => i);

/**
 * Derives a case's seed from the run's seed and the case id (FNV-1a over the id, mixed with the seed).
 *
 * @example
 * ```ts
 * import { caseSeed } from "./rng.ts";
 * caseSeed(1, "tcp.basic.connect"); // the same number every time
 * ```
 */
export function caseSeed(runSeed: number, id: string): number {
  let h = 0x811c9dc5 ^ (runSeed >>> 0);
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
