/**
 * Typed arrays carved from buffers above glibc's largest mmap threshold (32 MiB on 64-bit
 * Linux). Many small arrays (16–64 KB blocks, or columns grown by doubling) come from malloc's
 * heap, and once freed their pages stay in the process: after reading 200,000 items × 50
 * users that was about 135 MB of RSS held for the rest of the run by the reader's blocks alone.
 * A buffer this big is always mapped on its own and unmapped when freed, and its pages count
 * only once written. Arrays carved from it are freed all together, with the last of them.
 */
const SLAB_BYTES = 48 * 2 ** 20;

export class Slabs {
  readonly buffers: ArrayBuffer[] = [];
  private used = SLAB_BYTES;

  private take(bytes: number): [ArrayBuffer, number] {
    if (bytes > SLAB_BYTES) throw new Error(`a slab array of ${bytes} bytes is bigger than a slab`);
    if (this.used + bytes > SLAB_BYTES) {
      this.buffers.push(new ArrayBuffer(SLAB_BYTES));
      this.used = 0;
    }
    const at = this.used;
    // Every array takes a multiple of 8 bytes, so each starts aligned for Float64Array.
    this.used += Math.ceil(bytes / 8) * 8;
    return [this.buffers[this.buffers.length - 1]!, at];
  }

  int32(length: number): Int32Array {
    const [buffer, at] = this.take(length * 4);
    return new Int32Array(buffer, at, length);
  }

  float64(length: number): Float64Array {
    const [buffer, at] = this.take(length * 8);
    return new Float64Array(buffer, at, length);
  }

  uint8(length: number): Uint8Array {
    const [buffer, at] = this.take(length);
    return new Uint8Array(buffer, at, length);
  }
}
