/**
 * Renders the Helm charts a program registered, the way the Kubernetes provider's `helm.v4.Chart`
 * does (`helm template` with the chart's CRDs, without test hooks), with the exact values the
 * program passed, so the policy pack sees every object a real `pulumi preview` shows it.
 *
 * Helm is found at `$HELM`, then `<project>/.cache/bin/helm` (written by `npm run engine` or
 * `scripts/install-helm.sh`), then on `PATH`. Third-party charts come from a folder mirror
 * (`platform.chartMirror`, or the preview's `--chart-mirror`): `<chart>-<version>.tgz` as
 * `helm pull` writes it. Local charts render from the folder the program registered (`./charts/...`
 * in this project, the installed package's copy for another program).
 *
 * Rendering is cached in `<project>/.cache/render/` by the archive's content, release, namespace,
 * values, Kubernetes version and API versions: a second preview with nothing changed renders nothing.
 * CustomResourceDefinitions, 87 % of what the charts render and the same whatever the values, are
 * kept once each by content (`.cache/render/crds/<sha256>.json`, a `{"$crd": "<sha256>"}` in the
 * render's file) and parsed once per process: the objects of a cached render are read fresh each
 * time, its CRDs are shared and frozen.
 */
import { execFile, execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { chartArchiveName, chartMirrorKind, chartName, chartTable, resolveMirrorFolder, type ChartKey } from "../components/platform/charts";
import type { ResourceRecord } from "../policy/runner";
import { deepFreeze } from "./freeze";
import { PROJECT_ROOT } from "./stackFile";

/** The Helm resource type whose children are rendered (a v3 Release shows only its values to policies). */
export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** Kubernetes version charts are rendered for when the program exports none (the pinned default). */
export const DEFAULT_RENDER_KUBE_VERSION = "1.34";

/** One Kubernetes object as a chart renders it. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name?: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
    [key: string]: unknown;
}

/** The outcome of rendering one chart resource. */
export interface ChartRender {
    /** URN of the `helm.v4.Chart` resource. */
    urn: string;
    /** Pulumi name of the chart resource. */
    name: string;
    /** The table key of the chart, when the chart is one of the table's rows. */
    key?: ChartKey;
    /** Chart reference as registered (`cert-manager`, a `.tgz` path, `./charts/jamie`). */
    chart: string;
    version: string;
    release: string;
    namespace: string;
    /** Rendered objects, namespaced kinds given the release namespace when the chart left it out. */
    objects: KubeObject[];
    /** Why the chart was not rendered (no archive in the mirror, Helm failed); absent when rendered. */
    error?: string;
    /** True when the objects came from the render cache. */
    cached: boolean;
}

/** Where Helm is, or undefined when there is none. */
export function findHelm(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env.HELM) {
        return fs.existsSync(env.HELM) ? env.HELM : undefined;
    }
    const local = path.join(PROJECT_ROOT, ".cache", "bin", "helm");
    if (fs.existsSync(local)) {
        return local;
    }
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, "helm");
        if (dir && fs.existsSync(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

/** Kinds that are cluster-scoped in Kubernetes and the add-ons the platform installs (others: namespaced unless a rendered CRD says Cluster). */
const CLUSTER_SCOPED = new Set([
    "APIService",
    "CertificateSigningRequest",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterSecretStore",
    "ClusterExternalSecret",
    "CSIDriver",
    "CustomResourceDefinition",
    "GatewayClass",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeSnapshotClass",
]);

/** The table row a registered chart reference stands for (by archive name, chart name or local path). */
export function chartKeyOf(chartRef: string): ChartKey | undefined {
    const base = path.basename(chartRef);
    return chartTable().find(
        (c) =>
            c.chart === chartRef ||
            base === chartArchiveName(c.key) ||
            // A chart from an OCI or HTTP mirror: registered by its name (`oci://mirror/charts/loki`, `loki`).
            (!c.local && base === chartName(c.key)) ||
            (c.local && path.basename(c.chart) === base && chartRef.includes("charts")),
    )?.key;
}

/** The archive to render for a registered chart: a local chart's folder, a `.tgz` path, or the mirror's archive. */
export function chartPath(chartRef: string, mirror: string | undefined): string | { error: string } {
    const key = chartKeyOf(chartRef);
    const row = key ? chartTable().find((c) => c.key === key) : undefined;
    if (row?.local) {
        // The folder the program registered (relative to the working directory, where it ran):
        // this project's charts/, or the copy inside the installed package for another program.
        const folder = path.resolve(chartRef);
        return fs.existsSync(path.join(folder, "Chart.yaml")) ? folder : { error: `no local chart at ${folder} (registered as ${chartRef})` };
    }
    if (chartRef.endsWith(".tgz")) {
        const file = path.resolve(PROJECT_ROOT, chartRef);
        return fs.existsSync(file) ? file : { error: `no chart archive ${file}` };
    }
    if (!key) {
        return { error: `chart ${chartRef} is not in the chart table (components/platform/charts.ts)` };
    }
    if (!mirror) {
        return { error: "no chart mirror (set platform.chartMirror or pass --chart-mirror <folder>)" };
    }
    if (chartMirrorKind(mirror) !== "folder") {
        return { error: `the mirror ${mirror} is a repository, not a folder: the offline preview renders only from a folder of helm pull archives` };
    }
    const file = path.join(resolveMirrorFolder(mirror, PROJECT_ROOT), chartArchiveName(key));
    return fs.existsSync(file) ? file : { error: `the mirror has no ${path.basename(file)}` };
}

/** The render cache's file format; part of every cache key, so another format's files are never read. */
const RENDER_CACHE_FORMAT = "render-cache 2: CRDs by reference";

/** A CRD's place in a cached render's file. */
interface CrdRef {
    $crd: string;
}

/** Parsed CRDs by content hash, shared and frozen (see the module comment). */
const crdMemo = new Map<string, KubeObject>();

function crdFile(cacheDir: string, hash: string): string {
    return path.join(cacheDir, "crds", `${hash}.json`);
}

const sha256 = (text: string): string => crypto.createHash("sha256").update(text).digest("hex");

/** The shared, frozen copy of the CRD whose JSON text (hash `hash`) is `text`. */
function sharedCrd(hash: string, text: string, parsed?: KubeObject): KubeObject {
    let crd = crdMemo.get(hash);
    if (!crd) {
        crd = deepFreeze(parsed ?? (JSON.parse(text) as KubeObject));
        crdMemo.set(hash, crd);
    }
    return crd;
}

/**
 * Writes a render to the cache file `cacheFile` (its CRDs by reference under `cacheDir/crds`) and
 * returns its objects with the shared, frozen CRDs in place. A CRD file is written when it is missing
 * or was not read and checked in this process (so a damaged one is replaced).
 */
export function writeCachedRender(cacheDir: string, cacheFile: string, objects: KubeObject[]): KubeObject[] {
    const stored: (KubeObject | CrdRef)[] = [];
    const out: KubeObject[] = [];
    for (const o of objects) {
        if (o.kind !== "CustomResourceDefinition") {
            stored.push(o);
            out.push(o);
            continue;
        }
        const text = JSON.stringify(o);
        const hash = sha256(text);
        const checked = crdMemo.has(hash);
        const crd = sharedCrd(hash, text, o);
        const file = crdFile(cacheDir, hash);
        if (!checked || !fs.existsSync(file)) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, text, { mode: 0o600 });
            fs.renameSync(tmp, file);
        }
        stored.push({ $crd: hash });
        out.push(crd);
    }
    // Rendered objects may carry secret values: the cache is owner-only, like Pulumi's own state.
    fs.writeFileSync(cacheFile, JSON.stringify(stored), { mode: 0o600 });
    return out;
}

/**
 * The objects of the cached render in `cacheFile`, or undefined when it is not cached, unreadable, or
 * a CRD it names is missing or damaged (its content no longer has its hash): the chart is then
 * rendered again and the cache rewritten.
 */
export function readCachedRender(cacheDir: string, cacheFile: string): KubeObject[] | undefined {
    let stored: (KubeObject | CrdRef)[];
    try {
        stored = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as (KubeObject | CrdRef)[];
    } catch {
        return undefined;
    }
    const out: KubeObject[] = [];
    for (const o of stored) {
        if (typeof o.$crd !== "string") {
            out.push(o as KubeObject);
            continue;
        }
        const ref = o.$crd;
        const memo = crdMemo.get(ref);
        if (memo) {
            out.push(memo);
            continue;
        }
        let text: string;
        try {
            text = fs.readFileSync(crdFile(cacheDir, ref), "utf8");
        } catch {
            return undefined;
        }
        if (sha256(text) !== ref) {
            return undefined;
        }
        out.push(sharedCrd(ref, text));
    }
    return out;
}

let helmVersionMemo: string | undefined;
function helmVersion(helm: string): string {
    helmVersionMemo ??= execFileSync(helm, ["version", "--short"], { encoding: "utf8" }).trim();
    return helmVersionMemo;
}

/** Hashes of chart archives already read in this process, by path, size and modification time. */
const archiveHashes = new Map<string, string>();

function contentHash(file: string): string {
    const h = crypto.createHash("sha256");
    const stat = fs.statSync(file);
    const archiveKey = `${file}\0${stat.size}\0${stat.mtimeMs}`;
    if (stat.isFile() && archiveHashes.has(archiveKey)) {
        return archiveHashes.get(archiveKey)!;
    }
    if (stat.isDirectory()) {
        // A local chart: hash every file under it, in a stable order.
        const walk = (dir: string): void => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) {
                    walk(full);
                } else {
                    h.update(path.relative(file, full)).update(fs.readFileSync(full));
                }
            }
        };
        walk(file);
    } else {
        h.update(fs.readFileSync(file));
    }
    const digest = h.digest("hex");
    if (stat.isFile()) {
        archiveHashes.set(archiveKey, digest);
    }
    return digest;
}

function run(helm: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(helm, args, { maxBuffer: 256 * 1024 * 1024, cwd: PROJECT_ROOT }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error((stderr || err.message).trim().split("\n").slice(0, 4).join(" ")));
            } else {
                resolve(stdout);
            }
        });
    });
}

/** Parses a multi-document YAML stream into objects (empty documents and `List` wrappers handled). */
export function parseManifests(text: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const doc of YAML.parseAllDocuments(text)) {
        if (doc.errors.length > 0) {
            throw new Error(`invalid YAML from helm: ${doc.errors[0].message}`);
        }
        const value = doc.toJS({ maxAliasCount: -1 }) as KubeObject | null;
        if (!value || typeof value !== "object") {
            continue;
        }
        if (value.kind === "List" && Array.isArray(value.items)) {
            out.push(...(value.items as KubeObject[]));
        } else {
            out.push(value);
        }
    }
    return out;
}

/** Options of `renderCharts`. */
export interface RenderOptions {
    helm: string;
    /** Folder mirror of third-party charts; absent: only local charts and `.tgz` references render. */
    mirror?: string;
    /** Kubernetes minor the charts are rendered for (`1.34`). */
    kubeVersion: string;
    /** Extra API group/versions the cluster serves (CRDs installed by the same program). */
    apiVersions?: string[];
    /** Cache folder. @default <project>/.cache/render */
    cacheDir?: string;
    /** Charts rendered at once. @default 2 */
    concurrency?: number;
}

interface ChartInputs {
    urn: string;
    name: string;
    chart: string;
    version: string;
    release: string;
    namespace: string;
    values: Record<string, unknown>;
}

function chartInputs(r: ResourceRecord): ChartInputs {
    const i = r.inputs as { chart?: string; version?: string; name?: string; namespace?: string; values?: Record<string, unknown> };
    return {
        urn: r.urn,
        name: r.name,
        chart: String(i.chart ?? ""),
        version: String(i.version ?? ""),
        release: String(i.name ?? r.name),
        namespace: String(i.namespace ?? "default"),
        values: i.values ?? {},
    };
}

async function renderOne(c: ChartInputs, opts: RenderOptions): Promise<ChartRender> {
    const key = chartKeyOf(c.chart);
    const base: Omit<ChartRender, "objects" | "cached"> = {
        urn: c.urn,
        name: c.name,
        key,
        chart: c.chart,
        version: c.version,
        release: c.release,
        namespace: c.namespace,
    };
    const where = chartPath(c.chart, opts.mirror);
    if (typeof where !== "string") {
        return { ...base, objects: [], cached: false, error: where.error };
    }
    const valuesJson = JSON.stringify(c.values);
    const apiVersions = [...(opts.apiVersions ?? [])].sort();
    const cacheKey = crypto
        .createHash("sha256")
        .update(
            JSON.stringify([
                RENDER_CACHE_FORMAT,
                helmVersion(opts.helm),
                contentHash(where),
                c.release,
                c.namespace,
                valuesJson,
                opts.kubeVersion,
                apiVersions,
            ]),
        )
        .digest("hex");
    const cacheDir = opts.cacheDir ?? path.join(PROJECT_ROOT, ".cache", "render");
    const cacheFile = path.join(cacheDir, `${cacheKey}.json`);
    const cached = readCachedRender(cacheDir, cacheFile);
    if (cached) {
        return { ...base, objects: cached, cached: true };
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(cacheDir, "values-"));
    try {
        // Values hold secrets (passwords): written with owner-only access, removed at once.
        const valuesFile = path.join(tmp, "values.json");
        fs.writeFileSync(valuesFile, valuesJson, { mode: 0o600 });
        const args = [
            "template",
            c.release,
            where,
            "--namespace",
            c.namespace,
            "--values",
            valuesFile,
            "--include-crds",
            "--skip-tests",
            "--kube-version",
            opts.kubeVersion,
        ];
        for (const v of apiVersions) {
            args.push("--api-versions", v);
        }
        const text = await run(opts.helm, args);
        const objects = parseManifests(text);
        const crdScopes = new Map<string, string>();
        for (const o of objects) {
            if (o.kind === "CustomResourceDefinition") {
                const spec = o.spec as { names?: { kind?: string }; scope?: string };
                if (spec?.names?.kind) {
                    crdScopes.set(spec.names.kind, spec.scope ?? "Namespaced");
                }
            }
        }
        for (const o of objects) {
            o.metadata ??= {};
            const clusterScoped = CLUSTER_SCOPED.has(o.kind) || crdScopes.get(o.kind) === "Cluster";
            if (!clusterScoped && !o.metadata.namespace) {
                o.metadata.namespace = c.namespace;
            }
        }
        return { ...base, objects: writeCachedRender(cacheDir, cacheFile, objects), cached: false };
    } catch (e) {
        return { ...base, objects: [], cached: false, error: (e as Error).message };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** The API group/versions the CRDs among `objects` serve (`monitoring.coreos.com/v1`, ...). */
export function servedApiVersions(objects: KubeObject[]): string[] {
    const out = new Set<string>();
    for (const o of objects) {
        if (o.kind !== "CustomResourceDefinition") {
            continue;
        }
        const spec = o.spec as { group?: string; versions?: { name: string; served?: boolean }[] };
        for (const v of spec?.versions ?? []) {
            if (spec.group && v.served !== false) {
                out.add(`${spec.group}/${v.name}`);
            }
        }
    }
    return [...out].sort();
}

async function inBatches<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const i = next++;
            results[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
    return results;
}

/**
 * Renders every `helm.v4.Chart` among `resources`. Two passes, as a cluster would see them on the
 * second `pulumi up`: the first finds the CRDs the charts install, the second renders with their
 * API versions served, so charts that check `.Capabilities.APIVersions` (ServiceMonitors, ...)
 * render what they will render on the cluster. Both passes are cached.
 */
export async function renderCharts(resources: ResourceRecord[], opts: RenderOptions): Promise<ChartRender[]> {
    const charts = resources.filter((r) => r.type === CHART_TYPE).map(chartInputs);
    const concurrency = opts.concurrency ?? 2;
    const first = await inBatches(charts, concurrency, (c) => renderOne(c, opts));
    const apiVersions = [...new Set([...(opts.apiVersions ?? []), ...servedApiVersions(first.flatMap((r) => r.objects))])];
    if (apiVersions.length === (opts.apiVersions ?? []).length) {
        return first;
    }
    return inBatches(charts, concurrency, (c) => renderOne(c, { ...opts, apiVersions }));
}

/** The Pulumi type token of a Kubernetes object (`kubernetes:apps/v1:Deployment`, `kubernetes:core/v1:Service`). */
export function typeToken(o: Pick<KubeObject, "apiVersion" | "kind">): string {
    const gv = o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`;
    return `kubernetes:${gv}:${o.kind}`;
}

/**
 * The rendered objects as the engine registers them under their chart: type from apiVersion and
 * kind, name `<chart resource>:<namespace>/<name>` (cluster-scoped: `<chart resource>:<name>`),
 * parent the chart, inputs the object itself.
 */
export function renderedRecords(renders: ChartRender[]): ResourceRecord[] {
    const out: ResourceRecord[] = [];
    for (const r of renders) {
        // urn:pulumi:<stack>::<project>::<parent type chain>::<name>
        const [stackPart, project, parentType] = r.urn.split("::");
        for (const o of r.objects) {
            const type = typeToken(o);
            const name = `${r.name}:${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name ?? ""}`;
            out.push({
                type,
                name,
                urn: `${stackPart}::${project}::${parentType}$${type}::${name}`,
                parent: r.urn,
                custom: true,
                inputs: o as unknown as Record<string, unknown>,
                opts: { protect: false, retainOnDelete: false, ignoreChanges: [], additionalSecretOutputs: [], dependsOn: [] },
            });
        }
    }
    return out;
}
