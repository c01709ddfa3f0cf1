import crypto from 'node:crypto';

/** Random bytes drawn in blocks: one system call for many ids instead of one each (imports make hundreds of thousands). */
const pool = Buffer.alloc(16 * 512);
let poolOffset = pool.length;
function randomBytes16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    crypto.randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.subarray(poolOffset - 16, poolOffset);
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The last id's millisecond and counter: ids made in one millisecond keep the order they were made in. */
let lastMs = -1;
let counter = 0;

/**
 * A time-ordered UUID (v7, RFC 9562): inserts stay index-friendly and ids sort in the order they were made. The
 * 48-bit millisecond is followed by a 32-bit counter (12 bits of rand_a and 20 of rand_b: the RFC's "fixed-length
 * dedicated counter"), random when a millisecond starts and counted up within it, then 42 random bits.
 */
export function newId(): string {
  const random = randomBytes16();
  let ms = Date.now();
  if (ms > lastMs) {
    // A fresh counter starts in the lower half, so that a millisecond has room for at least 2^31 ids.
    counter = random.readUInt32BE(0) >>> 1;
    lastMs = ms;
  } else {
    // Same millisecond, or the clock went back: count on from the last id (past the counter's end, borrow the next ms).
    counter++;
    if (counter > 0xffffffff) {
      counter = 0;
      lastMs++;
    }
    ms = lastMs;
  }
  const high = Math.floor(ms / 2 ** 16);
  const bytes = [
    (high >>> 24) & 0xff,
    (high >>> 16) & 0xff,
    (high >>> 8) & 0xff,
    high & 0xff,
    (ms >>> 8) & 0xff,
    ms & 0xff,
    0x70 | ((counter >>> 28) & 0x0f),
    (counter >>> 20) & 0xff,
    0x80 | ((counter >>> 14) & 0x3f),
    (counter >>> 6) & 0xff,
    ((counter & 0x3f) << 2) | (random[4]! & 0x03),
    random[5]!,
    random[6]!,
    random[7]!,
    random[8]!,
    random[9]!,
  ];
  const hex = bytes.map((byte) => HEX[byte]!);
  return `${hex.slice(0, 4).join('')}-${hex.slice(4, 6).join('')}-${hex.slice(6, 8).join('')}-${hex.slice(8, 10).join('')}-${hex.slice(10).join('')}`;
}

/** A high-entropy random secret, URL-safe. */
export const randomSecret = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');

/** Secrets with this much entropy need no slow hash: SHA-256 is what is stored and compared. */
export const sha256 = (value: string): string => crypto.createHash('sha256').update(value).digest('hex');
