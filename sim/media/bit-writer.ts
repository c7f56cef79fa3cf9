/** MSB-first bit writer with the Exp-Golomb codes H.264 headers use. */
export class BitWriter {
  private readonly out: number[] = [];
  private current = 0;
  private used = 0;

  bit(value: number): this {
    this.current = (this.current << 1) | (value & 1);
    if (++this.used === 8) {
      this.out.push(this.current);
      this.current = 0;
      this.used = 0;
    }
    return this;
  }

  bits(value: number, count: number): this {
    for (let i = count - 1; i >= 0; i--) this.bit(Math.floor(value / 2 ** i) % 2);
    return this;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(value: number): this {
    const codeNum = value + 1;
    let length = 0;
    while (2 ** (length + 1) <= codeNum) length++;
    return this.bits(0, length).bits(codeNum, length + 1);
  }

  /** se(v): signed Exp-Golomb (positive k ↦ 2k−1, non-positive k ↦ −2k). */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** Raw bits (e.g. a fixed code string such as "000011"). */
  code(pattern: string): this {
    for (const c of pattern) this.bit(c === '1' ? 1 : 0);
    return this;
  }

  get byteAligned(): boolean {
    return this.used === 0;
  }

  alignWithZeros(): this {
    while (this.used !== 0) this.bit(0);
    return this;
  }

  bytes(data: Uint8Array): this {
    if (!this.byteAligned) throw new Error('BitWriter.bytes needs byte alignment');
    for (const byte of data) this.out.push(byte);
    return this;
  }

  /** rbsp_trailing_bits(): a stop bit, then zeros to the byte boundary. */
  finishRbsp(): Uint8Array {
    this.bit(1).alignWithZeros();
    return Uint8Array.from(this.out);
  }
}
