// Real media bytes for tests, built here so no binary fixture is committed: an Ogg/Opus voice note
// (RFC 7845) of silent 20 ms frames, which any Opus decoder accepts.

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index << 24;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  return crc >>> 0;
});

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, starting at zero. */
function oggCrc(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  return crc;
}

const SERIAL = 0x0b1d6e5a;

function oggPage(packets: Buffer[], sequence: number, granule: bigint, headerType: number): Buffer {
  const lacing: number[] = [];
  for (const packet of packets) {
    for (let left = packet.length; ; left -= 255) {
      lacing.push(Math.min(left, 255));
      if (left < 255) break;
    }
  }
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header.writeUInt8(0, 4);
  header.writeUInt8(headerType, 5);
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(SERIAL, 14);
  header.writeUInt32LE(sequence, 18);
  header.writeUInt8(lacing.length, 26);
  const page = Buffer.concat([header, Buffer.from(lacing), ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

const PRE_SKIP = 312;
/** One 20 ms CELT frame of silence (TOC 0xf8: fullband, 20 ms, mono). */
const SILENT_FRAME = Buffer.from([0xf8, 0xff, 0xfe]);

/** A mono Ogg/Opus file of `seconds` of silence (a few hundred bytes a second). */
export function tinyOggOpus(seconds = 1): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(1, 9); // channels
  head.writeUInt16LE(PRE_SKIP, 10);
  head.writeUInt32LE(48_000, 12);
  head.writeInt16LE(0, 16); // output gain
  head.writeUInt8(0, 18); // mapping family
  const vendor = Buffer.from('fake-telegram', 'utf8');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  tags.writeUInt32LE(0, 12 + vendor.length);

  const frames = Math.max(1, Math.round(seconds * 50));
  const pages = [oggPage([head], 0, 0n, 0x02), oggPage([tags], 1, 0n, 0x00)];
  // A page holds at most 255 lacing values; 200 frames (4 s) a page keeps well under it.
  for (let done = 0; done < frames; done += 200) {
    const count = Math.min(200, frames - done);
    const isLast = done + count === frames;
    const granule = BigInt(PRE_SKIP + (done + count) * 960);
    const audio = Array.from({ length: count }, () => SILENT_FRAME);
    pages.push(oggPage(audio, pages.length, granule, isLast ? 0x04 : 0x00));
  }
  return Buffer.concat(pages);
}
