// Runs a wasm32-wasip1 test binary under Node's WASI (preview1) for run.sh, the cargo
// runner of ci/wasm.sh. The whole file system is preopened at "/" so absolute paths that
// tests embed at compile time (CARGO_MANIFEST_DIR) resolve; exits with the program's code.
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";
import process from "node:process";

const [wasmPath, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: "preview1",
  args: [wasmPath, ...args],
  env: process.env,
  preopens: { "/": "/" },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exit(wasi.start(instance));
