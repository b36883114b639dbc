/**
 * The last bytes of a stream in a fixed buffer, so a chatty program costs bounded memory.
 *
 * @module
 */
/**
 * The last `capacity` bytes of a stream, in a fixed buffer: memory stays bounded however much the
 * program writes.
 */
export class TailBuffer {
  readonly #buffer: Uint8Array;
  #end = 0; // where the next byte goes
  #length = 0;
  #total = 0;

  /** @param capacity How many bytes to keep; 0 keeps none. */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`Cannot keep ${capacity} bytes: expected a whole number of at least 0`);
    }
    this.#buffer = new Uint8Array(capacity);
  }

  /** The size of the backing store, which never changes. */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** Every byte pushed so far, kept or not. */
  get total(): number {
    return this.#total;
  }

  /** Bytes pushed that are no longer kept. */
  get dropped(): number {
    return this.#total - this.#length;
  }

  /** Appends bytes, dropping the oldest beyond the capacity. */
  push(chunk: Uint8Array): void {
    this.#total += chunk.length;
    const capacity = this.#buffer.length;
    if (capacity === 0) return;
    const bytes = chunk.length > capacity ? chunk.subarray(chunk.length - capacity) : chunk;
    const first = Math.min(bytes.length, capacity - this.#end);
    this.#buffer.set(bytes.subarray(0, first), this.#end);
    this.#buffer.set(bytes.subarray(first), 0);
    this.#end = (this.#end + bytes.length) % capacity;
    this.#length = Math.min(capacity, this.#length + bytes.length);
  }

  /** A copy of the kept bytes, oldest first. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    const start = (this.#end - this.#length + this.#buffer.length) % (this.#buffer.length || 1);
    const first = Math.min(this.#length, this.#buffer.length - start);
    out.set(this.#buffer.subarray(start, start + first), 0);
    out.set(this.#buffer.subarray(0, this.#length - first), first);
    return out;
  }
}
