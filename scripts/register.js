// Runs the project's TypeScript without a TypeScript compiler: `node --require ./scripts/register.js
// file.ts`. Every entry point preloads it (npm scripts, mocha's .mocharc.json, and `pulumi
// preview/up` through Pulumi.yaml's runtime option `nodeargs`).
//
// Each .ts file outside node_modules is transpiled with Sucrase (types removed, `import`/`export`
// turned into CommonJS, nothing else: Node 20 runs ES2022 as written). Sucrase keeps every
// statement on its original line, so stack traces point at the right .ts line without source
// maps (Node's source-map support costs about a second per run: it parses the SDKs' maps too).
//
// Outputs are cached on disk by content (.cache/ts/<sha1>.js, keyed by the source text, Sucrase's
// version and the options), so a run only transpiles the files that changed since the last one.
// TS_REGISTER_CACHE=<dir> moves the cache, TS_REGISTER_CACHE=off disables it; deleting the folder
// is always safe. Type-checking is not done here: that is `npm run typecheck` (tsc --noEmit), run by
// `npm test` and CI.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { addHook } = require("pirates");

const SUCRASE_VERSION = require("sucrase/package.json").version;
const OPTIONS = { transforms: ["typescript", "imports"], disableESTransforms: true };
const SALT = `sucrase ${SUCRASE_VERSION} ${JSON.stringify(OPTIONS)} register 1\n`;

const setting = process.env.TS_REGISTER_CACHE;
const cacheDir = setting === "off" ? undefined : path.resolve(setting || path.join(__dirname, "..", ".cache", "ts"));
let cacheUsable = cacheDir !== undefined;

let sucrase;
function transpile(code, filename) {
    sucrase ??= require("sucrase");
    return sucrase.transform(code, { ...OPTIONS, filePath: filename }).code;
}

function compile(code, filename) {
    if (!cacheUsable) {
        return transpile(code, filename);
    }
    const key = crypto.createHash("sha1").update(SALT).update(code).digest("hex");
    const file = path.join(cacheDir, key.slice(0, 2), `${key}.js`);
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        // Not cached yet.
    }
    const out = transpile(code, filename);
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // Write then rename, so that a concurrent run never reads half a file.
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, out);
        fs.renameSync(tmp, file);
    } catch {
        // A read-only checkout: transpile every time rather than fail.
        cacheUsable = false;
    }
    return out;
}

addHook(compile, { exts: [".ts"], ignoreNodeModules: true });
