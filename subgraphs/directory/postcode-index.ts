// The postcode → council index: every GB postcode (ONS postcode → local authority lookup,
// August 2023) mapped to the GSS code of the council that covers it.
//
// 2.6 million rows are 95 MB as CSV, far too much to ship or parse at start-up. This module owns
// a compact binary format (encoder and decoder live together so they cannot drift apart):
//
//   gzip(
//     "BINFOPC" + version byte (1)
//     varint councilCount, then councilCount × 9 ASCII bytes          (GSS codes, index → code)
//     varint outwardCount, then per outward code, sorted:
//       u8 length + ASCII outward ("RG1"), varint postcodeCount, varint blockByteLength
//     the blocks, concatenated in the same order; each block holds
//       postcodeCount varints: inward numbers, sorted, as deltas from the previous (first from -1)
//       then (varint runLength, varint councilIndex) pairs until the runs cover postcodeCount
//   )
//
// An inward code ("1AA": digit + two letters) becomes a number 0..6759, so sorted inward codes
// are small deltas (usually one byte), and neighbouring postcodes almost always share a council,
// so run-length encoding makes the council column nearly free. Varints are unsigned LEB128.
//
// Loading only gunzips the file and reads the outward directory (~3,000 entries); a block is
// decoded the first time one of its postcodes is looked up, and kept. That keeps start-up to a
// few tens of milliseconds while a lookup after warm-up is a binary search in a typed array.

import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { projectPath } from '../../lib/project-path.js';

/** Where the derived index is committed, resolved from this file so any cwd works. */
export const DEFAULT_POSTCODE_INDEX_PATH = projectPath('data', 'postcodes.bin.gz');

const MAGIC = 'BINFOPC';
const FORMAT_VERSION = 1;
const GSS_CODE_LENGTH = 9;

/**
 * ONS gives postcodes outside the UK's councils pseudo "local authority" codes. They stay in the
 * index so a lookup can tell "a Crown Dependency, not covered" apart from "no such postcode".
 */
export const CROWN_DEPENDENCY_PSEUDO_CODES: Readonly<Record<string, string>> = Object.freeze({
  L99999999: 'Channel Islands',
  M99999999: 'Isle of Man',
});

export function isCrownDependencyCode(code: string): boolean {
  return Object.hasOwn(CROWN_DEPENDENCY_PSEUDO_CODES, code);
}

/** "1AA" → 0..6759 (digit × 676 + letter × 26 + letter), or undefined when it is not digit + two letters (upper case). */
export function inwardToNumber(inward: string): number | undefined {
  if (inward.length !== 3) return undefined;
  const digit = inward.charCodeAt(0) - 48; // '0'
  const letter1 = inward.charCodeAt(1) - 65; // 'A'
  const letter2 = inward.charCodeAt(2) - 65;
  if (digit < 0 || digit > 9 || letter1 < 0 || letter1 > 25 || letter2 < 0 || letter2 > 25) return undefined;
  return digit * 676 + letter1 * 26 + letter2;
}

export function numberToInward(n: number): string {
  const digit = Math.floor(n / 676);
  const rest = n % 676;
  return String(digit) + String.fromCharCode(65 + Math.floor(rest / 26), 65 + (rest % 26));
}

/**
 * Splits a postcode into outward and inward codes without judging whether it is a real format:
 * the inward code is always the last three characters, so "RG1 1AA", "RG11AA" and the ONS
 * seven-character form "AB101AA" all work. Callers that take user input use parsePostcode first.
 */
function splitPostcode(postcode: string): { outward: string; inward: string } | undefined {
  const compact = postcode.replace(/\s+/g, '').toUpperCase();
  if (compact.length < 5 || compact.length > 7) return undefined;
  return { outward: compact.slice(0, -3), inward: compact.slice(-3) };
}

interface OutwardEntry {
  /** Byte offset of the block in the decompressed buffer. */
  readonly blockOffset: number;
  readonly postcodeCount: number;
}

interface DecodedBlock {
  /** Sorted inward numbers. */
  readonly inwards: Uint16Array;
  /** Index into the council table, parallel to `inwards`. */
  readonly councilIndexes: Uint16Array;
}

export class PostcodeIndex {
  private readonly decodedBlocks = new Map<string, DecodedBlock>();

  private constructor(
    private readonly buffer: Uint8Array,
    /** Index → GSS code (or a Crown Dependency pseudo code). */
    readonly councilCodes: readonly string[],
    private readonly outwards: ReadonlyMap<string, OutwardEntry>,
    /** Number of postcodes in the index. */
    readonly size: number,
  ) {}

  /** Reads and gunzips the index file; blocks are decoded lazily on first lookup. */
  static load(path: string = DEFAULT_POSTCODE_INDEX_PATH): PostcodeIndex {
    return PostcodeIndex.fromGzip(readFileSync(path));
  }

  static fromGzip(gzipped: Uint8Array): PostcodeIndex {
    const buffer = gunzipSync(gzipped);
    const reader = new ByteReader(buffer);

    const magic = reader.ascii(MAGIC.length);
    const version = reader.byte();
    if (magic !== MAGIC) throw new Error('Not a Binfo postcode index (bad magic bytes)');
    if (version !== FORMAT_VERSION) throw new Error(`Unsupported postcode index version ${version}`);

    const councilCount = reader.varint();
    const councilCodes: string[] = [];
    for (let i = 0; i < councilCount; i++) councilCodes.push(reader.ascii(GSS_CODE_LENGTH));

    const outwardCount = reader.varint();
    const directory: { outward: string; postcodeCount: number; blockLength: number }[] = [];
    for (let i = 0; i < outwardCount; i++) {
      const outward = reader.ascii(reader.byte());
      const postcodeCount = reader.varint();
      const blockLength = reader.varint();
      directory.push({ outward, postcodeCount, blockLength });
    }

    const outwards = new Map<string, OutwardEntry>();
    let blockOffset = reader.position;
    let size = 0;
    for (const { outward, postcodeCount, blockLength } of directory) {
      outwards.set(outward, { blockOffset, postcodeCount });
      blockOffset += blockLength;
      size += postcodeCount;
    }
    if (blockOffset !== buffer.length) {
      throw new Error(`Postcode index is corrupt: blocks end at ${blockOffset}, file has ${buffer.length} bytes`);
    }
    return new PostcodeIndex(buffer, councilCodes, outwards, size);
  }

  /**
   * The council GSS code (or a Crown Dependency pseudo code) for a normalised postcode such as
   * "RG1 1AA"; undefined when the postcode is not in the index.
   */
  lookup(postcode: string): string | undefined {
    const parts = splitPostcode(postcode);
    if (!parts) return undefined;
    const inward = inwardToNumber(parts.inward);
    if (inward === undefined) return undefined;
    const block = this.block(parts.outward);
    if (!block) return undefined;
    const position = binarySearch(block.inwards, inward);
    return position < 0 ? undefined : this.councilCodes[block.councilIndexes[position]];
  }

  /** The outward codes in the index, sorted ("AB10", "AB11", …). */
  outwardCodes(): string[] {
    return [...this.outwards.keys()];
  }

  /**
   * The postcodes of one council, in one outward code ("RG1") or in all of them, in order. Without an
   * outward code it reads (and keeps decoded) every block: for the council console's counts, not a hot path.
   */
  postcodesOf(councilCode: string, outward?: string): string[] {
    const index = this.councilCodes.indexOf(councilCode);
    if (index < 0) return [];
    const found: string[] = [];
    for (const code of outward === undefined ? this.outwards.keys() : [outward]) {
      const block = this.block(code);
      if (!block) continue;
      for (let i = 0; i < block.inwards.length; i++) {
        if (block.councilIndexes[i] === index) found.push(`${code} ${numberToInward(block.inwards[i])}`);
      }
    }
    return found;
  }

  /** Every (postcode, code) pair in outward then inward order; decodes the whole index. */
  *entries(): Generator<[postcode: string, code: string]> {
    for (const outward of this.outwards.keys()) {
      const block = this.block(outward)!;
      for (let i = 0; i < block.inwards.length; i++) {
        yield [`${outward} ${numberToInward(block.inwards[i])}`, this.councilCodes[block.councilIndexes[i]]];
      }
    }
  }

  private block(outward: string): DecodedBlock | undefined {
    const cached = this.decodedBlocks.get(outward);
    if (cached) return cached;
    const entry = this.outwards.get(outward);
    if (!entry) return undefined;
    const decoded = decodeBlock(this.buffer, entry);
    this.decodedBlocks.set(outward, decoded);
    return decoded;
  }
}

function decodeBlock(buffer: Uint8Array, { blockOffset, postcodeCount }: OutwardEntry): DecodedBlock {
  const reader = new ByteReader(buffer, blockOffset);
  const inwards = new Uint16Array(postcodeCount);
  let inward = -1;
  for (let i = 0; i < postcodeCount; i++) {
    inward += reader.varint();
    inwards[i] = inward;
  }
  const councilIndexes = new Uint16Array(postcodeCount);
  for (let filled = 0; filled < postcodeCount; ) {
    const runLength = reader.varint();
    const councilIndex = reader.varint();
    councilIndexes.fill(councilIndex, filled, filled + runLength);
    filled += runLength;
  }
  return { inwards, councilIndexes };
}

function binarySearch(sorted: Uint16Array, target: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = sorted[middle];
    if (value === target) return middle;
    if (value < target) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

class ByteReader {
  constructor(
    private readonly bytes: Uint8Array,
    public position = 0,
  ) {}

  byte(): number {
    if (this.position >= this.bytes.length) throw new Error('Postcode index is truncated');
    return this.bytes[this.position++];
  }

  varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }

  ascii(length: number): string {
    if (this.position + length > this.bytes.length) throw new Error('Postcode index is truncated');
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(this.bytes[this.position++]);
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding (used by scripts/derive-directory-data.ts; lives here so the format has one owner)

class ByteWriter {
  private chunks: number[] = [];

  byte(value: number): void {
    this.chunks.push(value & 0xff);
  }

  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint out of range: ${value}`);
    while (value >= 0x80) {
      this.chunks.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.chunks.push(value);
  }

  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7e) throw new Error(`Non-ASCII character in ${JSON.stringify(text)}`);
      this.chunks.push(code);
    }
  }

  get length(): number {
    return this.chunks.length;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/**
 * Builds the gzipped index from (postcode, code) pairs. Postcodes may be in any spacing
 * ("RG1 1AA", "AB101AA"); codes are GSS codes or pseudo codes, 9 characters each.
 * Throws on malformed or duplicate postcodes so a bad source file cannot be shipped silently.
 */
export function encodePostcodeIndex(entries: Iterable<readonly [postcode: string, code: string]>): Uint8Array {
  const councilIndexByCode = new Map<string, number>();
  const byOutward = new Map<string, { inward: number; councilIndex: number }[]>();

  for (const [postcode, code] of entries) {
    const parts = splitPostcode(postcode);
    const inward = parts && inwardToNumber(parts.inward);
    if (!parts || inward === undefined) {
      throw new Error(`Cannot index malformed postcode ${JSON.stringify(postcode)}`);
    }
    if (code.length !== GSS_CODE_LENGTH) throw new Error(`Code ${JSON.stringify(code)} is not 9 characters`);
    let councilIndex = councilIndexByCode.get(code);
    if (councilIndex === undefined) {
      councilIndex = councilIndexByCode.size;
      councilIndexByCode.set(code, councilIndex);
    }
    let list = byOutward.get(parts.outward);
    if (!list) byOutward.set(parts.outward, (list = []));
    list.push({ inward, councilIndex });
  }

  // Sorting the council table keeps the output byte-identical across runs for the same input.
  const councilCodes = [...councilIndexByCode.keys()].sort();
  const remap = new Map(councilCodes.map((code, index) => [councilIndexByCode.get(code)!, index]));
  const outwardCodes = [...byOutward.keys()].sort();

  const blocks: Uint8Array[] = [];
  const header = new ByteWriter();
  header.ascii(MAGIC);
  header.byte(FORMAT_VERSION);
  header.varint(councilCodes.length);
  for (const code of councilCodes) header.ascii(code);
  header.varint(outwardCodes.length);

  for (const outward of outwardCodes) {
    const postcodes = byOutward.get(outward)!.sort((a, b) => a.inward - b.inward);
    const block = new ByteWriter();
    let previous = -1;
    for (const { inward } of postcodes) {
      if (inward === previous) throw new Error(`Duplicate postcode ${outward} ${numberToInward(inward)}`);
      block.varint(inward - previous);
      previous = inward;
    }
    for (let start = 0; start < postcodes.length; ) {
      const councilIndex = postcodes[start].councilIndex;
      let end = start + 1;
      while (end < postcodes.length && postcodes[end].councilIndex === councilIndex) end++;
      block.varint(end - start);
      block.varint(remap.get(councilIndex)!);
      start = end;
    }
    header.byte(outward.length);
    header.ascii(outward);
    header.varint(postcodes.length);
    header.varint(block.length);
    blocks.push(block.toBytes());
  }

  const raw = Buffer.concat([header.toBytes(), ...blocks]);
  return gzipSync(raw, { level: zlibConstants.Z_BEST_COMPRESSION });
}
