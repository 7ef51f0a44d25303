/**
 * Issue 12, the components as a package, proven the way a platform team uses it: `npm run build`,
 * `npm pack` the result, install the tarball into a new project (its own package.json, outside
 * this repository, so nothing resolves into the repository by path), then preview each program
 * of examples/ from that project offline through the same harness as the shipped stacks.
 *
 * The install runs offline: npm installs the tarball and its one plain dependency (yaml, linked
 * from this project's node_modules: npm's cache holds tarballs, not the registry's metadata a
 * version range needs). The Pulumi SDKs are peer dependencies, so the test provides them as a
 * program does: each linked from this project's node_modules, and only those an example needs. A
 * program must run on the same @pulumi/pulumi as the harness that mocks it; a link resolves to
 * the same module.
 *
 * Everything is built, packed and installed once (`before`); each example then costs one offline
 * preview, compared with its shipped stack's run, which the suite shares with other specs.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../preview/cli";
import type { PreviewReport } from "../../preview/report";
import { policies } from "../../policy/policies";
import { compiledPath, ENTRIES, REQUIRED_PEERS } from "../../scripts/build-package";
import { testMirror } from "../support/charts";
import { stackRun } from "../support/stacks";

const ROOT = path.resolve(__dirname, "..", "..");
const PKG = "agent-platform";

/** Each example, the shipped stack whose configuration it spells out, and the cloud SDK it needs. */
const EXAMPLES = [
    { file: "aws.ts", stack: "aws-prod", sdk: ["@pulumi/aws"] },
    { file: "gcp.ts", stack: "gcp-prod", sdk: ["@pulumi/gcp"] },
    { file: "azure.ts", stack: "azure-prod", sdk: ["@pulumi/azure-native"] },
    { file: "existing.ts", stack: "local", sdk: [] },
] as const;

/** Runs a command; on failure the error carries its output. */
function run(cmd: string, args: string[], cwd: string): string {
    try {
        return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`, { cause: e });
    }
}

/** This project's installed copy of a package (real path: the worktree's node_modules may be a link). */
function installed(name: string): string {
    return fs.realpathSync(path.join(ROOT, "node_modules", name));
}

/** The consumer project: the packages it can see are exactly `peers` (plus what npm installed). */
function providePeers(project: string, peers: readonly string[]): void {
    const scope = path.join(project, "node_modules", "@pulumi");
    fs.mkdirSync(scope, { recursive: true });
    for (const name of fs.readdirSync(scope)) {
        fs.unlinkSync(path.join(scope, name));
    }
    for (const p of peers) {
        fs.symlinkSync(installed(p), path.join(project, "node_modules", p), "dir");
    }
}

/** Where a request resolves from the consumer project (throws as Node does when it cannot). */
function resolveFrom(project: string, request: string): string {
    return require.resolve(request, { paths: [project] });
}

/** The example's preview: exit code and the JSON report. */
async function preview(stack: string, program: string): Promise<{ code: number; report: PreviewReport; stderr: string }> {
    let out = "";
    let err = "";
    const code = await main(["--stack", stack, "--program", program, "--json", "--chart-mirror", testMirror()], {
        out: (s) => (out += s),
        err: (s) => (err += s),
    });
    assert.ok(out.length > 0, `no report (exit ${code}): ${err}`);
    return { code, report: JSON.parse(out) as PreviewReport, stderr: err };
}

describe("the package: built, packed, installed into another project, its examples previewed offline", function () {
    let project = "";
    let files: string[] = [];

    before(function () {
        // Building and installing take CPU seconds, not minutes; on a loaded shared machine they may take longer.
        this.timeout(600_000);
        project = fs.mkdtempSync(path.join(os.tmpdir(), "package-consumer-"));
        assert.ok(path.relative(ROOT, project).startsWith(".."), "the consumer project lies outside this repository");
        run("npm", ["run", "--silent", "build"], ROOT);
        const packed = JSON.parse(run("npm", ["pack", path.join(ROOT, "dist"), "--pack-destination", project, "--json", "--offline"], project)) as {
            filename: string;
            files: { path: string }[];
        }[];
        files = packed[0].files.map((f) => f.path);
        fs.writeFileSync(
            path.join(project, "package.json"),
            `${JSON.stringify({ name: "platform-team-program", version: "1.0.0", private: true, dependencies: { yaml: `file:${installed("yaml")}` } }, null, 2)}\n`,
        );
        run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", `./${packed[0].filename}`], project);
        for (const e of EXAMPLES) {
            fs.copyFileSync(path.join(ROOT, "examples", e.file), path.join(project, e.file));
        }
    });

    after(() => {
        if (project) {
            fs.rmSync(project, { recursive: true, force: true });
        }
    });

    it("ships every entry with its declarations, the agents' charts and the manifest, and nothing of the stack program", () => {
        for (const e of ENTRIES) {
            assert.ok(
                files.includes(compiledPath(e.source)) && files.includes(compiledPath(e.source, ".d.ts")),
                `${e.subpath}: ${compiledPath(e.source)} and its .d.ts`,
            );
        }
        for (const f of ["charts/jamie/Chart.yaml", "charts/jamie/templates/deployment.yaml", "charts/scarlet/Chart.yaml", "package.json", "README.md"]) {
            assert.ok(files.includes(f), f);
        }
        const strays = files.filter((f) => /^(index\.|stacks\/|test\/|preview\/|scripts\/|examples\/)|\.ts$/.test(f) && !f.endsWith(".d.ts"));
        assert.deepStrictEqual(strays, [], "no stack program, stack files, tests, preview, scripts or TypeScript sources");
        const manifest = JSON.parse(fs.readFileSync(path.join(project, "node_modules", PKG, "package.json"), "utf8"));
        assert.strictEqual(manifest.private, undefined, "the package is publishable");
        assert.deepStrictEqual(Object.keys(manifest.dependencies), ["yaml"], "Pulumi SDKs are peers, never dependencies");
    });

    it("resolves each entry through its exports map only, from the installed copy", () => {
        const installedRoot = path.join(fs.realpathSync(project), "node_modules", PKG) + path.sep;
        for (const e of ENTRIES) {
            assert.strictEqual(resolveFrom(project, `${PKG}/${e.subpath}`), path.join(installedRoot, compiledPath(e.source)));
        }
        for (const hidden of [PKG, `${PKG}/components/aws/eksCluster`, `${PKG}/components/aws/eksCluster.js`, `${PKG}/config/types`]) {
            assert.throws(
                () => resolveFrom(project, hidden),
                (e: NodeJS.ErrnoException) => e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED",
                `${hidden} is not exported`,
            );
        }
    });

    it("loads agent-platform/aws and /platform with only the AWS SDK installed; /gcp then fails naming @pulumi/gcp", () => {
        providePeers(project, [...REQUIRED_PEERS, "@pulumi/aws"]);
        const aws = require(resolveFrom(project, `${PKG}/aws`)) as Record<string, unknown>;
        const platform = require(resolveFrom(project, `${PKG}/platform`)) as Record<string, unknown>;
        assert.strictEqual(typeof aws.EksCluster, "function");
        assert.strictEqual(typeof platform.Platform, "function");
        // The control: a cloud whose SDK the project lacks cannot load, so the loads above needed no other SDK.
        assert.throws(
            () => require(resolveFrom(project, `${PKG}/gcp`)),
            (e: NodeJS.ErrnoException) => e.code === "MODULE_NOT_FOUND" && /Cannot find module '@pulumi\/gcp\//.test(e.message),
        );
    });

    for (const ex of EXAMPLES) {
        const sdks = ex.sdk.length > 0 ? ex.sdk.join(", ") : "no cloud SDK";
        it(`previews examples/${ex.file} with ${sdks} installed: no mandatory violation, the resources of stack ${ex.stack}`, async () => {
            providePeers(project, [...REQUIRED_PEERS, ...ex.sdk]);
            const { code, report, stderr } = await preview(ex.stack, path.join(project, ex.file));
            assert.strictEqual(
                report.summary.mandatory,
                0,
                JSON.stringify(
                    report.violations.filter((v) => v.enforcement === "mandatory"),
                    null,
                    1,
                ),
            );
            assert.strictEqual(code, 0, stderr);
            const shipped = await stackRun(ex.stack);
            assert.strictEqual(report.summary.resources, shipped.resources.length, `the same number of resources as stack ${ex.stack}`);
            const shippedUrns = new Set(shipped.resources.map((r) => r.urn));
            const urns = new Set(report.resources.map((r) => r.urn));
            assert.deepStrictEqual(
                { missing: [...shippedUrns].filter((u) => !urns.has(u)), extra: [...urns].filter((u) => !shippedUrns.has(u)) },
                { missing: [], extra: [] },
                "the same resources, by URN",
            );
            // The agents' charts come from the installed package and render like every other chart.
            assert.ok(
                report.summary.renderedObjects > 0 && report.charts.every((c) => c.rendered),
                report.renderingSkipped ?? JSON.stringify(report.charts.filter((c) => !c.rendered)),
            );
            for (const chart of ["jamie", "scarlet"]) {
                const ref = report.charts.find((c) => path.basename(c.chart) === chart)?.chart;
                assert.strictEqual(
                    ref && path.resolve(ref),
                    path.join(fs.realpathSync(project), "node_modules", PKG, "charts", chart),
                    `${chart} from the package`,
                );
            }
        });
    }

    it("type-checks the examples against the installed declarations, with the tsconfig of Pulumi's TypeScript template", function () {
        this.timeout(600_000);
        providePeers(project, [...REQUIRED_PEERS, ...EXAMPLES.flatMap((e) => e.sdk)]);
        fs.mkdirSync(path.join(project, "node_modules", "@types"), { recursive: true });
        fs.symlinkSync(installed("@types/node"), path.join(project, "node_modules", "@types", "node"), "dir");
        const tsconfig = {
            compilerOptions: {
                strict: true,
                target: "es2020",
                module: "commonjs",
                moduleResolution: "node",
                noEmit: true,
                skipLibCheck: true,
                noImplicitReturns: true,
                noFallthroughCasesInSwitch: true,
                forceConsistentCasingInFileNames: true,
            },
            files: EXAMPLES.map((e) => e.file),
        };
        fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
        run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."], project);
        // The exports map's `types` conditions (resolvers that read it) name files the package holds.
        const manifest = JSON.parse(fs.readFileSync(path.join(project, "node_modules", PKG, "package.json"), "utf8")) as {
            exports: Record<string, { types?: string }>;
        };
        for (const [sub, target] of Object.entries(manifest.exports)) {
            if (typeof target === "object") {
                assert.ok(fs.existsSync(path.join(project, "node_modules", PKG, target.types!)), `${sub}: ${target.types}`);
            }
        }
    });

    it("exports the pack's rules from agent-platform/policy", () => {
        providePeers(project, [...REQUIRED_PEERS, "@pulumi/policy"]);
        const pack = require(resolveFrom(project, `${PKG}/policy`)) as { policies: { name: string }[] };
        assert.deepStrictEqual(
            pack.policies.map((p) => p.name),
            policies.map((p) => p.name),
        );
    });
});
