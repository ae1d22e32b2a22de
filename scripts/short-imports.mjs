// Gives the wasm's imports from wasm-bindgen's glue short names, in the wasm
// and in the glue alike. wasm-bindgen names each one after its function and
// a 16-hex-digit hash (`__wbg_createTextNode_2b48c3fc75dfcc67`): two hundred
// of them, written twice (the wasm's import section, the glue's import
// object), are about 3 KB that brotli cannot shrink. Every rename is checked:
// the glue must define each import exactly once, and use its old name
// nowhere else afterwards, or the build fails.

const GLUE_MODULE = "./ofconnect_bg.js";

/** Unsigned LEB128 at `bytes[at]`: [value, the offset after it]. */
const readU32 = (bytes, at) => {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[at++];
    value |= (byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [value >>> 0, at];
    if (shift > 28) throw Error("short-imports: a LEB128 longer than 32 bits");
  }
};

const writeU32 = (value) => {
  const out = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
};

const text = new TextDecoder("utf-8", { fatal: true });
const utf8 = new TextEncoder();

/** The offset after an import's description of `kind`, at `at`. */
const skipDescription = (bytes, kind, at) => {
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = readU32(bytes, p);
    if (flags & 1) [, p] = readU32(bytes, p);
    return p;
  };
  switch (kind) {
    case 0: return readU32(bytes, at)[1]; // function: its type
    case 1: return limits(at + 1); // table: element type, limits
    case 2: return limits(at); // memory: limits
    case 3: return at + 2; // global: value type, mutability
    default: throw Error(`short-imports: an import of unknown kind ${kind}`);
  }
};

/** `{wasm, glue}` with the imports from the glue renamed `a`, `b`, … `ba`… */
export const shortenImports = (wasm, glue) => {
  if (wasm.readUInt32LE(0) !== 0x6d736100) throw Error("short-imports: not a wasm module");
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  let renamed = 0;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, body] = readU32(wasm, at + 1);
    const end = body + size;
    if (id !== 2) {
      parts.push(wasm.subarray(at, end));
      at = end;
      continue;
    }
    let [count, p] = readU32(wasm, body);
    const section = [...writeU32(count)];
    for (; count > 0; count--) {
      const [moduleLength, m] = readU32(wasm, p);
      const module = text.decode(wasm.subarray(m, m + moduleLength));
      const [nameLength, n] = readU32(wasm, m + moduleLength);
      let name = text.decode(wasm.subarray(n, n + nameLength));
      const description = n + nameLength;
      const next = skipDescription(wasm, wasm[description], description + 1);
      if (module === GLUE_MODULE) {
        const short = (renamed++).toString(26).replace(/./g, (d) => "abcdefghijklmnopqrstuvwxyz"[parseInt(d, 26)]);
        const key = new RegExp(`(?<![\\w$])${name}(?=:)`, "g");
        if ((glue.match(key) ?? []).length !== 1) throw Error(`short-imports: the glue defines ${name} other than once`);
        glue = glue.replace(key, `_${short}`);
        if (glue.includes(name)) throw Error(`short-imports: the glue still names ${name}`);
        name = `_${short}`;
      }
      const nameBytes = utf8.encode(name);
      section.push(...writeU32(moduleLength), ...wasm.subarray(m, m + moduleLength));
      section.push(...writeU32(nameBytes.length), ...nameBytes, ...wasm.subarray(description, next));
      p = next;
    }
    if (p !== end) throw Error("short-imports: the import section did not end where its size said");
    parts.push(Buffer.from([id, ...writeU32(section.length), ...section]));
    at = end;
  }
  if (!renamed) throw Error(`short-imports: no import from ${GLUE_MODULE}`);
  return { wasm: Buffer.concat(parts), glue };
};
