// UUIDv7 (RFC 9562): 48 bits of Unix time in milliseconds, the version,
// 12 random bits, the variant, 62 random bits. Ids sort by creation time;
// the server deduplicates events by them.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A UUIDv7 for the time ms (default now), with randomness from
 * random(bytes) (default crypto.getRandomValues).
 */
export function uuidv7(ms = Date.now(), random = (b) => globalThis.crypto.getRandomValues(b)) {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError('uuidv7: time out of range');
  const b = random(new Uint8Array(16));
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = Array.from(b, (x) => HEX[x]).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The millisecond time of a UUIDv7, or -1 when s is not one. */
export function uuidv7Time(s) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(s)) return -1;
  return parseInt(s.slice(0, 8) + s.slice(9, 13), 16);
}
