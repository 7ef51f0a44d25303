/**
 * `npm run build`: the components as an npm package, in `dist/` (git-ignored).
 *
 * This repository is two things: the Pulumi project of the shipped stacks (`pulumi up` runs
 * index.ts through Pulumi.yaml; the root package.json stays private, with every SDK it needs as a
 * plain dependency), and the package platform teams install to build the same clusters and
 * platform from their own programs. The package is generated here, with a manifest of its own
 * (`dist/package.json`), so neither constrains the other: `npm pack dist` (or `npm publish dist`)
 * ships it.
 *
 * What the build writes:
 * - JavaScript (CommonJS, ES2022) and `.d.ts` for every module the entries below reach, with the
 *   repository's layout (`components/aws/index.js`, ...), emitted by the TypeScript compiler
 *   without type-checking (`noCheck`: `npm run typecheck` checks the same files): declarations
 *   from the whole program, JavaScript file by file (`transpileModule`);
 * - the Jamie and Scarlet charts under `charts/` (components/platform/charts.ts finds them from its
 *   own location, `localChartPath`);
 * - `package.json`: an `exports` map of the entries (nothing else is importable), `typesVersions`
 *   for programs whose tsconfig resolves modules the pre-`exports` way (`moduleResolution: node`,
 *   Pulumi's TypeScript template), Pulumi's SDKs as peer dependencies (the cloud SDKs and
 *   `@pulumi/policy` optional, so an AWS-only program installs no Azure SDK), versions from the
 *   root package.json's pins;
 * - `README.md`: docs/components.md.
 *
 * A build whose inputs did not change since the last one is skipped: the last build's hashes of
 * every file it read are in dist/.build-inputs.json, which does not ship (`npm run build -- --force`
 * rebuilds).
 *
 * The build fails when a compiled module requires a package the manifest does not declare, or
 * when an entry reaches a cloud SDK it does not declare (importing `<package>/aws` must never load
 * `@pulumi/azure-native`): both are read from the emitted `require` calls, lazy ones included.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import * as ts from "typescript";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
/** Where the package is built (its root: `dist/package.json`). */
export const PACKAGE_DIR = path.join(PROJECT_ROOT, "dist");

/** One importable entry of the package: `<package>/<subpath>`. */
export interface PackageEntry {
    /** Subpath after the package name: `aws` is `agent-platform/aws`. */
    subpath: string;
    /** Its module in this repository. */
    source: string;
    /** Optional peer dependencies this entry needs (beyond the required ones). */
    peers: string[];
    /** What it holds, one line (docs/components.md lists the entries with it). */
    summary: string;
}

/** Every entry of the package. The exports map, the docs and the pack test are built from this table. */
export const ENTRIES: readonly PackageEntry[] = [
    {
        subpath: "aws",
        source: "components/aws/index.ts",
        peers: ["@pulumi/aws"],
        summary: "`EksCluster`: EKS with its VPC, node groups, KMS key, audit logs, S3 object store and IRSA",
    },
    {
        subpath: "gcp",
        source: "components/gcp/index.ts",
        peers: ["@pulumi/gcp"],
        summary: "`GkeCluster`: regional GKE with its VPC, node pools, Cloud KMS key, audit logs, GCS object store and Workload Identity",
    },
    {
        subpath: "azure",
        source: "components/azure/index.ts",
        peers: ["@pulumi/azure-native"],
        summary: "`AksCluster`: AKS with its VNet, node pools, Key Vault key, diagnostic logs, Blob object store and workload identity",
    },
    {
        subpath: "digitalocean",
        source: "components/digitalocean/index.ts",
        peers: ["@pulumi/digitalocean"],
        summary: "`DoksCluster`: DOKS with its VPC, node pools and Spaces object store",
    },
    { subpath: "existing", source: "components/existing/index.ts", peers: [], summary: "`ExistingCluster`: any conformant cluster reached by kubeconfig" },
    {
        subpath: "platform",
        source: "components/platform/index.ts",
        peers: [],
        summary: "`Platform`: TLS edge, databases, observability, the agents and add-ons on any cluster's `target`",
    },
    {
        subpath: "contract",
        source: "components/contract.ts",
        peers: [],
        summary: "`ClusterTarget` and the other types every cluster component returns (types only)",
    },
    {
        subpath: "policy",
        source: "policy/policies.ts",
        peers: ["@pulumi/policy"],
        summary: "`policies`: the CrossGuard rules, to put in your own `PolicyPack`",
    },
];

/** Peers every program needs: the engine SDK, Kubernetes (the platform), random (generated passwords). */
export const REQUIRED_PEERS = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random"] as const;

/** Plain dependencies: packages that register no resources, so a second copy is harmless. */
export const DEPENDENCIES = ["yaml"] as const;

/** The package's folders copied as they are (relative to the project and to the package root). */
const ASSETS = ["charts"];

interface RootManifest {
    name: string;
    version: string;
    description: string;
    license: string;
    engines: Record<string, string>;
    dependencies: Record<string, string>;
}

function rootManifest(): RootManifest {
    return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as RootManifest;
}

/** The compiled module of a source file, relative to the package root (`components/aws/index.js`). */
export function compiledPath(source: string, ext: ".js" | ".d.ts" = ".js"): string {
    return source.replace(/\.ts$/, ext);
}

/** The caret range of the root package.json's pin of `name` (the version the tests ran with). */
function pinnedRange(root: RootManifest, name: string): string {
    const pin = root.dependencies[name];
    if (!pin) {
        throw new Error(`package.json pins no ${name}; the package's manifest takes its version range from there`);
    }
    return /^\d/.test(pin) ? `^${pin}` : pin;
}

/** The package's manifest. */
export function packageManifest(root: RootManifest = rootManifest()): Record<string, unknown> {
    const optional = [...new Set(ENTRIES.flatMap((e) => e.peers))].sort();
    const peers = [...REQUIRED_PEERS, ...optional];
    const exportsMap: Record<string, unknown> = {};
    const typesVersions: Record<string, string[]> = {};
    for (const e of ENTRIES) {
        exportsMap[`./${e.subpath}`] = { types: `./${compiledPath(e.source, ".d.ts")}`, default: `./${compiledPath(e.source)}` };
        typesVersions[e.subpath] = [compiledPath(e.source, ".d.ts")];
    }
    exportsMap["./package.json"] = "./package.json";
    return {
        name: root.name,
        version: root.version,
        description:
            "Pulumi components for a highly available Kubernetes platform running the Jamie and Scarlet agents: EKS, GKE, AKS, DOKS or an existing cluster, and the platform on top, plus the CrossGuard rules that keep it compliant.",
        license: root.license,
        keywords: ["pulumi", "kubernetes", "eks", "gke", "aks", "platform-engineering", "crossguard"],
        exports: exportsMap,
        typesVersions: { "*": typesVersions },
        dependencies: Object.fromEntries(DEPENDENCIES.map((d) => [d, pinnedRange(root, d)])),
        peerDependencies: Object.fromEntries(peers.map((p) => [p, pinnedRange(root, p)])),
        peerDependenciesMeta: Object.fromEntries(optional.map((p) => [p, { optional: true }])),
        engines: root.engines,
    };
}

/** Compiler options: the project's tsconfig, emitting JavaScript and declarations into the package. */
function compilerOptions(): ts.CompilerOptions {
    const parsed = ts.getParsedCommandLineOfConfigFile(
        path.join(PROJECT_ROOT, "tsconfig.json"),
        {},
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => {
                throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            },
        },
    );
    if (!parsed) {
        throw new Error("tsconfig.json could not be read");
    }
    return {
        ...parsed.options,
        rootDir: PROJECT_ROOT,
        outDir: PACKAGE_DIR,
        declaration: true,
        noCheck: true,
        noEmitOnError: true,
        sourceMap: false,
        incremental: false,
        tsBuildInfoFile: undefined,
        // The package's modules run under the consumer's Node: no test framework types.
        types: ["node"],
        // Programs resolve `<package>/<entry>` themselves; the package's own imports are relative.
        paths: undefined,
    };
}

/** The package names a compiled module requires (`@pulumi/aws` for `@pulumi/aws/eks/cluster`), and its relative requires. */
function requiresOf(file: string): { packages: string[]; relative: string[] } {
    const packages: string[] = [];
    const relative: string[] = [];
    for (const m of fs.readFileSync(file, "utf8").matchAll(/\brequire\("([^"]+)"\)/g)) {
        const spec = m[1];
        if (spec.startsWith(".")) {
            relative.push(spec);
        } else if (!builtinModules.includes(spec.replace(/^node:/, ""))) {
            const parts = spec.split("/");
            packages.push(spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
        }
    }
    return { packages, relative };
}

/** Every package an entry's modules require, each with the first module requiring it. */
export function packagesReachedFrom(entryJs: string): Map<string, string> {
    const seen = new Set<string>();
    const reached = new Map<string, string>();
    const queue = [entryJs];
    while (queue.length > 0) {
        const file = queue.pop()!;
        if (seen.has(file)) {
            continue;
        }
        seen.add(file);
        const { packages, relative } = requiresOf(file);
        for (const p of packages) {
            if (!reached.has(p)) {
                reached.set(p, path.relative(PACKAGE_DIR, file));
            }
        }
        for (const r of relative) {
            const base = path.resolve(path.dirname(file), r);
            const next = [`${base}.js`, path.join(base, "index.js"), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
            if (!next) {
                throw new Error(`${path.relative(PACKAGE_DIR, file)} requires ${r}, which the build did not emit`);
            }
            queue.push(next);
        }
    }
    return reached;
}

/**
 * What each entry requires that the manifest does not allow it: a package missing from the
 * manifest, or an optional peer of another entry (an AWS program would then need the Azure SDK).
 */
export function undeclaredRequires(manifest: Record<string, unknown> = packageManifest()): string[] {
    const deps = Object.keys(manifest.dependencies as Record<string, string>);
    const problems: string[] = [];
    for (const e of ENTRIES) {
        const allowed = new Set<string>([...REQUIRED_PEERS, ...deps, ...e.peers]);
        for (const [pkg, from] of packagesReachedFrom(path.join(PACKAGE_DIR, compiledPath(e.source)))) {
            if (!allowed.has(pkg)) {
                problems.push(
                    `${manifest.name as string}/${e.subpath} requires ${pkg} (in ${from}), which ${e.peers.length > 0 || deps.length > 0 ? "is not among its declared packages" : "it does not declare"}: allowed ${[...allowed].sort().join(", ")}`,
                );
            }
        }
    }
    return problems;
}

/** Where the last build recorded its inputs: beside the build, left out of the package by the manifest's `files`. */
export const BUILD_STAMP = path.join(PACKAGE_DIR, ".build-inputs.json");

/** What a build read and wrote: every input file's hash, and the files it wrote. */
interface BuildStamp {
    typescript: string;
    inputs: Record<string, string>;
    outputs: string[];
}

/** Inputs of every build besides the compiled modules: the manifest's sources, the lockfile, the assets, this script. */
function fixedInputs(): string[] {
    const files = ["package.json", "package-lock.json", "tsconfig.json", "docs/components.md", "scripts/build-package.ts"];
    const walk = (dir: string): string[] =>
        fs
            .readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })
            .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
    return [...files, ...ASSETS.flatMap(walk)];
}

function hashInputs(files: string[]): Record<string, string> {
    return Object.fromEntries(
        files.sort().map((f) => {
            const file = path.join(PROJECT_ROOT, f);
            return [f, fs.existsSync(file) ? crypto.createHash("sha1").update(fs.readFileSync(file)).digest("hex") : "missing"];
        }),
    );
}

/**
 * Whether PACKAGE_DIR holds the build of the current sources: the last build's stamp lists the
 * same hash for every file it read (the modules the compiler reached, the manifest's sources, the
 * charts, this script) and every file it wrote is still there. A new import changes the importing
 * file, so it cannot be missed.
 */
export function upToDate(): boolean {
    let stamp: BuildStamp;
    try {
        stamp = JSON.parse(fs.readFileSync(BUILD_STAMP, "utf8")) as BuildStamp;
    } catch {
        return false;
    }
    if (stamp.typescript !== ts.version || !stamp.outputs.every((f) => fs.existsSync(path.join(PACKAGE_DIR, f)))) {
        return false;
    }
    const now = hashInputs([...new Set([...Object.keys(stamp.inputs), ...fixedInputs()])]);
    return Object.keys(now).length === Object.keys(stamp.inputs).length && Object.entries(now).every(([f, h]) => stamp.inputs[f] === h);
}

/**
 * Builds the package into PACKAGE_DIR; returns how many modules it emitted, or `upToDate` when
 * nothing it reads changed since the last build (`force` builds regardless).
 */
export function buildPackage(opts: { force?: boolean } = {}): { modules: number; upToDate: boolean } {
    if (!opts.force && upToDate()) {
        const stamp = JSON.parse(fs.readFileSync(BUILD_STAMP, "utf8")) as BuildStamp;
        return { modules: stamp.outputs.filter((f) => f.endsWith(".js")).length, upToDate: true };
    }
    fs.rmSync(BUILD_STAMP, { force: true });
    fs.rmSync(PACKAGE_DIR, { recursive: true, force: true });
    const options = compilerOptions();
    const program = ts.createProgram(
        ENTRIES.map((e) => path.join(PROJECT_ROOT, e.source)),
        options,
    );
    const written: string[] = [];
    const write = (file: string, text: string): void => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
        written.push(file);
    };
    // Declarations need the whole program; JavaScript is each file on its own (the project already
    // runs that way, through Sucrase), which is half the emit's time.
    const result = program.emit(undefined, write, undefined, true);
    const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getOptionsDiagnostics(), ...result.diagnostics];
    for (const source of program.getSourceFiles()) {
        const rel = path.relative(PROJECT_ROOT, source.fileName);
        if (source.isDeclarationFile || rel.startsWith("..") || rel.split(path.sep).includes("node_modules")) {
            continue;
        }
        const js = ts.transpileModule(source.text, { compilerOptions: { ...options, declaration: false }, fileName: source.fileName, reportDiagnostics: true });
        diagnostics.push(...(js.diagnostics ?? []));
        write(path.join(PACKAGE_DIR, rel.replace(/\.ts$/, ".js")), js.outputText);
    }
    if (diagnostics.length > 0 || result.emitSkipped) {
        throw new Error(
            ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => PROJECT_ROOT, getNewLine: () => "\n" }) ||
                "the compiler emitted nothing",
        );
    }
    const outside = written.filter((f) => path.relative(PACKAGE_DIR, f).startsWith(".."));
    if (outside.length > 0) {
        throw new Error(`the compiler wrote outside ${PACKAGE_DIR}: ${outside.join(", ")}`);
    }
    for (const dir of ASSETS) {
        fs.cpSync(path.join(PROJECT_ROOT, dir), path.join(PACKAGE_DIR, dir), { recursive: true });
    }
    // What ships: the emitted folders and the assets (package.json and README.md always do).
    const manifest = { ...packageManifest(), files: fs.readdirSync(PACKAGE_DIR).sort() };
    fs.writeFileSync(path.join(PACKAGE_DIR, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.copyFileSync(path.join(PROJECT_ROOT, "docs", "components.md"), path.join(PACKAGE_DIR, "README.md"));
    const problems = undeclaredRequires(manifest);
    if (problems.length > 0) {
        throw new Error(`the package's modules require what its manifest does not declare:\n- ${problems.join("\n- ")}`);
    }
    const sources = program
        .getSourceFiles()
        .map((f) => path.relative(PROJECT_ROOT, f.fileName))
        .filter((f) => !f.startsWith("..") && !f.split(path.sep).includes("node_modules"));
    const stamp: BuildStamp = {
        typescript: ts.version,
        inputs: hashInputs([...new Set([...sources, ...fixedInputs()])]),
        outputs: fs.readdirSync(PACKAGE_DIR, { recursive: true, encoding: "utf8" }).filter((f) => fs.statSync(path.join(PACKAGE_DIR, f)).isFile()),
    };
    fs.writeFileSync(BUILD_STAMP, `${JSON.stringify(stamp, null, 1)}\n`);
    return { modules: written.filter((f) => f.endsWith(".js")).length, upToDate: false };
}

if (require.main === module) {
    try {
        const { modules, upToDate: fresh } = buildPackage({ force: process.argv.includes("--force") });
        const dir = path.relative(process.cwd(), PACKAGE_DIR);
        console.log(
            fresh
                ? `package: ${dir} is up to date (nothing it is built from changed; --force rebuilds): ${modules} modules`
                : `package: ${dir} holds ${modules} modules with their declarations, the charts and package.json (npm pack ${dir})`,
        );
    } catch (e) {
        console.error(`build failed: ${(e as Error).message}`);
        process.exitCode = 1;
    }
}
