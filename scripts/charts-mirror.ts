/**
 * `npm run charts:mirror -- <folder> [--from <source>] [--force]`
 *
 * Fills a folder with every third-party chart the platform pins (components/platform/charts.ts,
 * add-ons included), one `helm pull` archive each, `<chart>-<version>.tgz`: the folder an
 * air-gapped site points `platform.chartMirror` at, pushes to its OCI registry (`helm push`), or
 * serves as a repository (`helm repo index`). Run it where the public chart repositories are
 * reachable, or from another mirror with `--from`:
 *   --from <folder>              copy the archives from another folder mirror
 *   --from https://charts.site   pull from one HTTP(S) chart repository that holds every chart
 *   --from oci://registry/charts pull from an OCI prefix (`<prefix>/<chart>`)
 * Archives already in the folder are kept (`--force` fetches them again). Each archive is written
 * to a temporary name and renamed when complete, so a failure never leaves a partial file; the
 * run goes on past a failed chart and exits 1 naming every one that failed. Needs Helm
 * (`npm run helm`). Exit codes: 0 complete, 1 some charts missing, 2 usage.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chartArchiveName, chartMirrorKind, chartName, chartTable, helmPullCommand, type ChartKey } from "../components/platform/charts";
import { findHelm } from "../preview/helm";

const USAGE = "Usage: npm run charts:mirror -- <folder> [--from <folder | https://repository | oci://prefix>] [--force]";

/** Parsed arguments. */
export interface MirrorOptions {
    dest: string;
    from?: string;
    force: boolean;
}

/** Parses argv; throws an Error with the usage on anything unknown. */
export function parseMirrorArgs(argv: string[]): MirrorOptions {
    let dest: string | undefined;
    let from: string | undefined;
    let force = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--from") {
            from = argv[++i];
            if (!from) {
                throw new Error(`--from needs a folder, an https:// repository or an oci:// prefix\n${USAGE}`);
            }
        } else if (a === "--force") {
            force = true;
        } else if (a.startsWith("-")) {
            throw new Error(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
        } else if (dest === undefined) {
            dest = a;
        } else {
            throw new Error(`one destination folder only (found ${JSON.stringify(dest)} and ${JSON.stringify(a)})\n${USAGE}`);
        }
    }
    if (!dest) {
        throw new Error(`the destination folder is required\n${USAGE}`);
    }
    return { dest: path.resolve(dest), from, force };
}

/** The `helm` arguments that fetch one chart into `dir` from its source. */
export function pullArgs(key: ChartKey, dir: string, from?: string): string[] {
    const version = chartTable().find((c) => c.key === key)!.version;
    if (!from) {
        return [...helmPullCommand(key), "--destination", dir];
    }
    if (chartMirrorKind(from) === "oci") {
        return ["pull", `${from.replace(/\/+$/, "")}/${chartName(key)}`, "--version", version, "--destination", dir];
    }
    return ["pull", chartName(key), "--repo", from, "--version", version, "--destination", dir];
}

function helm(bin: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) =>
        execFile(bin, args, { maxBuffer: 16 * 1024 * 1024 }, (err, _out, stderr) =>
            err ? reject(new Error((stderr || err.message).trim().split("\n")[0])) : resolve(),
        ),
    );
}

/** One chart's outcome. */
export interface MirrorResult {
    key: ChartKey;
    file: string;
    status: "fetched" | "kept" | "failed";
    error?: string;
}

/** Mirrors every third-party chart into `opts.dest`; reports progress through `log`. */
export async function mirrorCharts(opts: MirrorOptions, log: (line: string) => void = () => undefined, helmBin = findHelm()): Promise<MirrorResult[]> {
    const rows = chartTable().filter((c) => !c.local);
    fs.mkdirSync(opts.dest, { recursive: true });
    const results: MirrorResult[] = [];
    for (const [i, row] of rows.entries()) {
        const file = path.join(opts.dest, chartArchiveName(row.key));
        const step = `[${i + 1}/${rows.length}] ${chartArchiveName(row.key)}`;
        if (fs.existsSync(file) && !opts.force) {
            log(`${step}: already there, kept`);
            results.push({ key: row.key, file, status: "kept" });
            continue;
        }
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "charts-mirror-"));
        const started = Date.now();
        try {
            if (opts.from && chartMirrorKind(opts.from) === "folder") {
                const source = path.join(path.resolve(opts.from), chartArchiveName(row.key));
                if (!fs.existsSync(source)) {
                    throw new Error(`${source} does not exist`);
                }
                fs.copyFileSync(source, path.join(tmp, chartArchiveName(row.key)));
            } else {
                if (!helmBin) {
                    throw new Error("no Helm: npm run helm builds it, or set HELM");
                }
                await helm(helmBin, pullArgs(row.key, tmp, opts.from));
            }
            const pulled = path.join(tmp, chartArchiveName(row.key));
            if (!fs.existsSync(pulled)) {
                throw new Error(`helm pull wrote ${fs.readdirSync(tmp).join(", ") || "nothing"}, not ${chartArchiveName(row.key)}`);
            }
            // Same file system as the destination for an atomic rename: copy next to it first.
            const partial = `${file}.partial`;
            fs.copyFileSync(pulled, partial);
            fs.renameSync(partial, file);
            log(`${step}: fetched in ${Date.now() - started} ms`);
            results.push({ key: row.key, file, status: "fetched" });
        } catch (e) {
            log(`${step}: FAILED, ${(e as Error).message}`);
            results.push({ key: row.key, file, status: "failed", error: (e as Error).message });
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    }
    return results;
}

/** The command: exit code 0 complete, 1 some charts missing, 2 usage. */
export async function main(argv: string[], io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
    let opts: MirrorOptions;
    try {
        opts = parseMirrorArgs(argv);
    } catch (e) {
        io.err(`error: ${(e as Error).message}\n`);
        return 2;
    }
    io.err(
        `Mirroring ${chartTable().filter((c) => !c.local).length} pinned charts into ${opts.dest}${opts.from ? ` from ${opts.from}` : " from their public repositories"}\n`,
    );
    const results = await mirrorCharts(opts, (l) => io.err(`${l}\n`));
    const failed = results.filter((r) => r.status === "failed");
    io.out(
        `${results.length - failed.length} of ${results.length} charts in ${opts.dest}${failed.length > 0 ? `; missing: ${failed.map((f) => path.basename(f.file)).join(", ")}` : ""}\n`,
    );
    return failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then((code) => {
        process.exitCode = code;
    });
}
