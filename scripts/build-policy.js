// `npm run build:policy`: bundles the CrossGuard pack (policy/index.ts and everything it imports,
// with @pulumi/policy) into one JavaScript file, policy/bin/index.js (package.json `main`), which
// the engine starts with @pulumi/pulumi's run-policy-pack. Type-checking is `npm run typecheck`.
//
// Why a bundle, and why @pulumi/policy inside it: @pulumi/policy reads `Output` and `asset` from
// the root of @pulumi/pulumi, and loading that root loads the whole SDK (its automation API pulls
// in npm's arborist, pacote, sigstore...: about 700 modules, 1.3 s of the pack's 1.9 s start).
// The bundle resolves that one import to policy/lib/pulumiRoot.js, which loads only the two SDK
// modules those names live in. Every other package stays an ordinary `require` of node_modules.
// The build fails if @pulumi/policy reads any other name from the root, so an upgrade cannot
// silently leave a name undefined.
"use strict";
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");

const ROOT = path.resolve(__dirname, "..");
const PACK = path.join(ROOT, "policy");
const OUT = path.join(PACK, "bin", "index.js");
const ROOT_SHIM = path.join(PACK, "lib", "pulumiRoot.js");

/** Names @pulumi/policy reads from the root of @pulumi/pulumi (`pulumi_1.<name>`). */
function rootNamesUsedByPolicy() {
    const dir = path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [ROOT] }));
    const names = new Set();
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".js"))) {
        for (const m of fs.readFileSync(path.join(dir, f), "utf8").matchAll(/\bpulumi_1\.(\w+)/g)) {
            names.add(m[1]);
        }
    }
    return [...names].sort();
}

/** Bundles the pack; resolves with the output path and the files bundled. */
async function buildPolicyPack() {
    const shim = require(ROOT_SHIM);
    const missing = rootNamesUsedByPolicy().filter((n) => !(n in shim));
    if (missing.length > 0) {
        throw new Error(
            `@pulumi/policy reads ${missing.join(", ")} from @pulumi/pulumi, which ${path.relative(ROOT, ROOT_SHIM)} does not export: add them there`,
        );
    }
    fs.rmSync(path.join(PACK, "bin"), { recursive: true, force: true });
    const result = await esbuild.build({
        entryPoints: [path.join(PACK, "index.ts")],
        outfile: OUT,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        sourcemap: true,
        metafile: true,
        logLevel: "warning",
        plugins: [
            {
                name: "pack-externals",
                setup(build) {
                    build.onResolve({ filter: /^@pulumi\/pulumi$/ }, () => ({ path: ROOT_SHIM }));
                    // Bundle the project's files and @pulumi/policy; require every other package.
                    build.onResolve({ filter: /^[^./]/ }, (args) =>
                        args.path === "@pulumi/policy" || args.path.startsWith("@pulumi/policy/") ? undefined : { path: args.path, external: true },
                    );
                },
            },
        ],
    });
    return { out: OUT, inputs: Object.keys(result.metafile.inputs) };
}

module.exports = { buildPolicyPack, rootNamesUsedByPolicy };

if (require.main === module) {
    buildPolicyPack().then(
        (r) => console.log(`policy pack: ${path.relative(ROOT, r.out)} bundles ${r.inputs.length} files`),
        (e) => {
            console.error(`build:policy failed: ${e.message}`);
            process.exitCode = 1;
        },
    );
}
