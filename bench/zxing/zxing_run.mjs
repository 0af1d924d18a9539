// SPDX-License-Identifier: Apache-2.0
// The anchor decoder of bench/decode_independent.sh: ZXing-C++ (zxing-wasm) on every frame of
// a bench/frames/gen_frames.py manifest, one JSON line per frame on stdout:
//   {"file":..., "n":symbols, "text":first symbol's text or null, "ms":wall time of the read}
//   node bench/zxing/zxing_run.mjs MANIFEST [RESOLUTION]
// Reads QR codes only, with the library's default options (try harder, rotate, invert,
// downscale). The .wasm is loaded from node_modules: nothing is fetched at run time.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";

const require = createRequire(import.meta.url);
const wasm = join(dirname(require.resolve("zxing-wasm/reader")), "..", "..", "reader",
    "zxing_reader.wasm");

function fail(msg) {
    process.stderr.write(`zxing_run.mjs: ${msg}\n`);
    process.exit(1);
}

// A binary PGM (P5, maxval 255) as {width, height, pixels}.
function readPgm(path) {
    const b = readFileSync(path);
    const head = b.subarray(0, 64).toString("latin1");
    const m = head.match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
    if (!m) fail(`${path}: not a binary 8-bit PGM (P5, maxval 255)`);
    const [w, h] = [Number(m[1]), Number(m[2])];
    const off = m[0].length;
    if (b.length < off + w * h) fail(`${path}: truncated (${b.length} bytes for ${w}x${h})`);
    return { width: w, height: h, pixels: b.subarray(off, off + w * h) };
}

function toImageData(img) {
    const rgba = new Uint8ClampedArray(img.width * img.height * 4);
    for (let i = 0, j = 0; i < img.width * img.height; i++, j += 4) {
        const v = img.pixels[i];
        rgba[j] = v; rgba[j + 1] = v; rgba[j + 2] = v; rgba[j + 3] = 255;
    }
    return { data: rgba, width: img.width, height: img.height, colorSpace: "srgb" };
}

async function main() {
    const [manifest, only] = process.argv.slice(2);
    if (!manifest) fail("usage: zxing_run.mjs MANIFEST [RESOLUTION]");
    const base = dirname(manifest);
    const lines = readFileSync(manifest, "utf8").split("\n").filter((l) => l.length > 0);
    const cols = lines[0].split(",");
    const fi = cols.indexOf("file"), ri = cols.indexOf("resolution");
    if (fi < 0 || ri < 0) fail(`${manifest}:1: header lacks file/resolution columns`);
    prepareZXingModule({ overrides: { wasmBinary: readFileSync(wasm).buffer }, fireImmediately: true });
    const opts = { formats: ["QRCode"], maxNumberOfSymbols: 4 };
    for (let i = 1; i < lines.length; i++) {
        const f = lines[i].split(",");
        if (only && f[ri] !== only) continue;
        const img = toImageData(readPgm(join(base, f[fi])));
        const t0 = process.hrtime.bigint();
        const res = (await readBarcodes(img, opts)).filter((r) => r.isValid);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const out = { file: f[fi], n: res.length, text: res.length ? res[0].text : null, ms };
        process.stdout.write(JSON.stringify(out) + "\n");
    }
}

main().catch((e) => fail(e.stack || String(e)));
