/**
 * Offline validation of the manifests `pulumi up` renders (existing.renderYamlToDirectory).
 *
 * Validator: kubeconform, built with `go install` from the Go module proxy. Schemas: generated here, never
 * downloaded at run time, from sources that come from the Go module proxy too:
 * - Kubernetes: api/openapi-spec/swagger.json of k8s.io/kubernetes at the pinned 1.35 patch;
 * - CRDs: cert-manager (deploy/crds), Gateway API (config/crd/standard and experimental) and Prometheus Operator
 *   (example/prometheus-operator-crd), each at the version closest to the chart the platform pins;
 * - and every CustomResourceDefinition found among the manifests themselves (the CRDs the rendered charts carry,
 *   at exactly the charts' versions), written per run next to the manifests' own schemas.
 * Generated schemas are strict: objects reject unknown fields (except where Kubernetes preserves them) and
 * types follow the API (int-or-string, quantities, nullable). An object whose kind has no schema fails the run,
 * except kinds of the operators whose charts (and so CRDs) are off in the run; those are listed as not validated.
 *
 * `node -r ts-node/register/transpile-only scripts/validate-manifests.ts <dir>` validates a directory;
 * scripts/e2e.ts calls validateManifests().
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "..");
const TOOLS = path.join(ROOT, ".cache", "tools");

/** Pinned sources. Versions and why: docs/engine.md. */
export const SOURCES = {
    kubeconform: { module: "github.com/yannh/kubeconform", version: "v0.7.0" },
    // The Kubernetes minor the platform pins (1.35); the newest 1.35 patch the module proxy serves.
    kubernetes: { module: "k8s.io/kubernetes", version: "v1.35.8", spec: "api/openapi-spec/swagger.json" },
    crds: [
        { name: "cert-manager", module: "github.com/cert-manager/cert-manager", version: "v1.21.1", dirs: ["deploy/crds"] },
        { name: "Gateway API", module: "sigs.k8s.io/gateway-api", version: "v1.4.0", dirs: ["config/crd/standard", "config/crd/experimental"] },
        // kube-prometheus-stack 88.x ships operator 0.86; v0.85.0 is the newest the module proxy serves.
        {
            name: "Prometheus Operator",
            module: "github.com/prometheus-operator/prometheus-operator",
            version: "v0.85.0",
            dirs: ["example/prometheus-operator-crd"],
        },
    ],
} as const;

/** API groups of operators whose charts (and CRDs) are off in the offline run: their objects are reported, not validated. */
export const UNVALIDATED_GROUPS = [
    "gateway.envoyproxy.io",
    "postgresql.cnpg.io",
    "barmancloud.cnpg.io",
    "psmdb.percona.com",
    "redis.redis.opstreelabs.in",
    "external-secrets.io",
    "argoproj.io",
    "security.istio.io",
    "networking.istio.io",
    "telemetry.istio.io",
    "falco.org",
];

type Json = Record<string, unknown>;

function goEnv(): NodeJS.ProcessEnv {
    return { ...process.env, GOFLAGS: process.env.GOFLAGS ?? "-buildvcs=false", GOTOOLCHAIN: "local" };
}

/** Downloads a module through the Go module proxy (or the module cache) and returns its directory. */
export function moduleDir(module: string, version: string): string {
    const res = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], { cwd: os.tmpdir(), encoding: "utf8", env: goEnv() });
    const out = JSON.parse(res.stdout || "{}") as { Dir?: string; Error?: string };
    if (res.status !== 0 || !out.Dir) {
        throw new Error(`go mod download ${module}@${version} failed: ${out.Error ?? res.stderr}`);
    }
    return out.Dir;
}

/** Builds kubeconform once into .cache/tools/bin. */
export function kubeconformBinary(): string {
    const { module, version } = SOURCES.kubeconform;
    const bin = path.join(TOOLS, `kubeconform-${version}`, "kubeconform");
    if (fs.existsSync(bin)) {
        return bin;
    }
    const gobin = path.dirname(bin);
    fs.mkdirSync(gobin, { recursive: true });
    const res = spawnSync("go", ["install", "-trimpath", `${module}/cmd/kubeconform@${version}`], { encoding: "utf8", env: { ...goEnv(), GOBIN: gobin } });
    if (res.status !== 0) {
        throw new Error(`go install kubeconform failed: ${res.stderr}`);
    }
    return bin;
}

/** OpenAPI (v2 definitions or v3 CRD schemas) to a draft-4 JSON schema kubeconform validates strictly. */
function toJsonSchema(node: unknown, refs: Set<string> | null): unknown {
    if (Array.isArray(node)) {
        return node.map((n) => toJsonSchema(n, refs));
    }
    if (node === null || typeof node !== "object") {
        return node;
    }
    const src = node as Json;
    if (typeof src.$ref === "string") {
        refs?.add(src.$ref.replace("#/definitions/", ""));
        return { $ref: src.$ref };
    }
    if (src["x-kubernetes-int-or-string"] === true || src.format === "int-or-string") {
        return { oneOf: [{ type: "string" }, { type: "integer" }, { type: "null" }] };
    }
    const out: Json = {};
    for (const [k, v] of Object.entries(src)) {
        if (k.startsWith("x-kubernetes-") || k === "nullable" || k === "format") {
            continue;
        }
        if (k === "properties" || k === "patternProperties" || k === "definitions") {
            out[k] = Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, toJsonSchema(pv, refs)]));
        } else if (k === "items" || k === "additionalProperties" || k === "not" || k === "allOf" || k === "anyOf" || k === "oneOf") {
            out[k] = toJsonSchema(v, refs);
        } else {
            out[k] = v;
        }
    }
    if (typeof out.type === "string") {
        out.type = [out.type, "null"];
    }
    const preserve = src["x-kubernetes-preserve-unknown-fields"] === true;
    if (out.properties && out.additionalProperties === undefined && !preserve) {
        out.additionalProperties = false;
    }
    return out;
}

const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

function kubernetesSchemas(outDir: string): number {
    const { module, version, spec } = SOURCES.kubernetes;
    const swagger = JSON.parse(fs.readFileSync(path.join(moduleDir(module, version), spec), "utf8")) as { definitions: Record<string, Json> };
    const defs: Record<string, { schema: unknown; refs: Set<string> }> = {};
    for (const [name, def] of Object.entries(swagger.definitions)) {
        const refs = new Set<string>();
        const schema = name === QUANTITY ? { oneOf: [{ type: "string" }, { type: "number" }, { type: "null" }] } : toJsonSchema(def, refs);
        defs[name] = { schema, refs };
    }
    let count = 0;
    for (const [name, def] of Object.entries(swagger.definitions)) {
        const gvks = (def["x-kubernetes-group-version-kind"] as Array<{ group: string; version: string; kind: string }> | undefined) ?? [];
        for (const gvk of gvks) {
            // Only the definitions this kind reaches, so that each file stands alone and stays small.
            const needed = new Set<string>();
            const queue = [...defs[name].refs];
            while (queue.length > 0) {
                const r = queue.pop()!;
                if (!needed.has(r) && defs[r]) {
                    needed.add(r);
                    queue.push(...defs[r].refs);
                }
            }
            const schema = {
                ...(defs[name].schema as Json),
                definitions: Object.fromEntries([...needed].map((r) => [r, defs[r].schema])),
            };
            writeSchema(outDir, gvk.group, gvk.version, gvk.kind, schema);
            count++;
        }
    }
    return count;
}

/** Writes the schemas of the CRD documents given; returns "<group>/<version> <Kind>" per schema written. */
export function schemasOfCrds(outDir: string, docs: Json[]): string[] {
    const written: string[] = [];
    for (const crd of docs) {
        const spec = crd.spec as { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema?: Json } }> };
        for (const v of spec.versions ?? []) {
            if (v.schema?.openAPIV3Schema) {
                writeSchema(outDir, spec.group, v.name, spec.names.kind, toJsonSchema(v.schema.openAPIV3Schema, null));
                written.push(`${spec.group}/${v.name} ${spec.names.kind}`);
            }
        }
    }
    return written;
}

function crdSchemas(outDir: string): string[] {
    const written: string[] = [];
    for (const src of SOURCES.crds) {
        const dir = moduleDir(src.module, src.version);
        for (const sub of src.dirs) {
            const folder = path.join(dir, sub);
            if (!fs.existsSync(folder)) {
                throw new Error(`${src.module}@${src.version} has no ${sub}`);
            }
            for (const file of fs
                .readdirSync(folder)
                .filter((f) => f.endsWith(".yaml"))
                .sort()) {
                for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(folder, file), "utf8"))) {
                    const crd = doc.toJSON() as Json | null;
                    if (!crd || crd.kind !== "CustomResourceDefinition") {
                        continue;
                    }
                    const spec = crd.spec as { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema?: Json } }> };
                    for (const v of spec.versions) {
                        if (v.schema?.openAPIV3Schema) {
                            writeSchema(outDir, spec.group, v.name, spec.names.kind, toJsonSchema(v.schema.openAPIV3Schema, null));
                            written.push(`${spec.group}/${v.name} ${spec.names.kind}`);
                        }
                    }
                }
            }
        }
    }
    return written;
}

function writeSchema(outDir: string, group: string, version: string, kind: string, schema: unknown): void {
    const dir = path.join(outDir, group || version, version);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${kind.toLowerCase()}.json`), JSON.stringify(schema));
}

/** Generates the schemas once per set of pinned versions into .cache/schemas/<hash>. */
export function schemaDir(): string {
    const id = crypto.createHash("sha256").update(JSON.stringify(SOURCES)).update(fs.readFileSync(__filename)).digest("hex").slice(0, 12);
    const dir = path.join(ROOT, ".cache", "schemas", id);
    if (fs.existsSync(path.join(dir, ".complete"))) {
        return dir;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const k8s = kubernetesSchemas(dir);
    const crds = crdSchemas(dir);
    fs.writeFileSync(path.join(dir, ".complete"), `${k8s} Kubernetes kinds, ${crds.length} CRD versions\n${crds.join("\n")}\n`);
    return dir;
}

interface Obj {
    doc: Json;
    file: string;
    apiVersion: string;
    kind: string;
    name: string;
}

function readObjects(manifestDir: string): Obj[] {
    const objs: Obj[] = [];
    const walk = (d: string): void => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) {
                walk(p);
            } else if (/\.ya?ml$/.test(e.name)) {
                for (const doc of YAML.parseAllDocuments(fs.readFileSync(p, "utf8"))) {
                    const o = doc.toJSON() as Json | null;
                    if (o) {
                        const meta = (o.metadata ?? {}) as Json;
                        objs.push({
                            doc: o,
                            file: p,
                            apiVersion: String(o.apiVersion),
                            kind: String(o.kind),
                            name: `${meta.namespace ? `${String(meta.namespace)}/` : ""}${String(meta.name)}`,
                        });
                    }
                }
            }
        }
    };
    walk(manifestDir);
    return objs;
}

export interface ValidationReport {
    ok: boolean;
    summary: string;
    log: string;
    validated: number;
    notValidated: string[];
}

export function validateManifests(manifestDir: string): ValidationReport {
    if (!fs.existsSync(manifestDir)) {
        return { ok: false, summary: `${manifestDir} does not exist: pulumi up rendered nothing`, log: "", validated: 0, notValidated: [] };
    }
    const objects = readObjects(manifestDir);
    if (objects.length === 0) {
        return { ok: false, summary: `no object in ${manifestDir}`, log: "", validated: 0, notValidated: [] };
    }
    const schemas = schemaDir();
    // The CRDs among the manifests (charts carry their own): their schemas validate their custom resources.
    const rendered = objects.filter((o) => o.kind === "CustomResourceDefinition" && o.apiVersion.startsWith("apiextensions.k8s.io/")).map((o) => o.doc);
    const renderedDir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconform-rendered-crds-"));
    const renderedKinds = schemasOfCrds(renderedDir, rendered);
    const renderedGroups = new Set(renderedKinds.map((k) => k.split("/")[0]));
    const group = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");
    const skipped = objects.filter((o) => UNVALIDATED_GROUPS.includes(group(o.apiVersion)) && !renderedGroups.has(group(o.apiVersion)));
    const skipKinds = [...new Set(skipped.map((o) => `${o.apiVersion}/${o.kind}`))].sort();
    const args = [
        "-strict",
        "-summary",
        "-output",
        "json",
        "-kubernetes-version",
        SOURCES.kubernetes.version.replace(/^v/, ""),
        "-schema-location",
        `${schemas}/{{ .Group }}/{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json`,
        "-schema-location",
        `${renderedDir}/{{ .Group }}/{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json`,
        ...(skipKinds.length > 0 ? ["-skip", skipKinds.join(",")] : []),
        manifestDir,
    ];
    const res = spawnSync(kubeconformBinary(), args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    fs.rmSync(renderedDir, { recursive: true, force: true });
    const out = JSON.parse(res.stdout || "{}") as {
        resources?: Array<{ filename: string; kind: string; name: string; version: string; status: string; msg: string }>;
        summary?: { valid: number; invalid: number; errors: number; skipped: number };
    };
    const bad = (out.resources ?? []).filter((r) => r.status !== "statusValid" && r.status !== "statusSkipped");
    const lines = bad.map(
        (r) => `${r.status.replace("status", "").toUpperCase()} ${r.version}/${r.kind} ${r.name} (${path.relative(manifestDir, r.filename)}): ${r.msg}`,
    );
    const s = out.summary ?? { valid: 0, invalid: 0, errors: 0, skipped: 0 };
    const ok = res.status === 0 && bad.length === 0 && s.valid > 0;
    const notValidated = skipKinds.map((k) => `${k} (${skipped.filter((o) => `${o.apiVersion}/${o.kind}` === k).length})`);
    const kinds = [...new Set(objects.filter((o) => !skipped.includes(o)).map((o) => o.kind))].sort();
    const summary =
        `${objects.length} objects in ${new Set(objects.map((o) => o.file)).size} files; ${s.valid} valid, ${s.invalid} invalid, ${s.errors} errors ` +
        `against Kubernetes ${SOURCES.kubernetes.version} + ${SOURCES.crds.map((c) => `${c.name} ${c.version}`).join(", ")} schemas` +
        `${renderedKinds.length > 0 ? ` + ${renderedKinds.length} CRD versions rendered with the charts` : ""}` +
        `${notValidated.length > 0 ? `; not validated (no CRD: operator charts off): ${notValidated.join(", ")}` : ""}` +
        `${
            lines.length > 0
                ? `\n${lines
                      .slice(0, 30)
                      .map((l) => `    ${l}`)
                      .join("\n")}`
                : ""
        }`;
    const log = [`kubeconform ${args.join(" ")}`, `exit ${res.status}`, `kinds validated: ${kinds.join(", ")}`, ...lines, res.stderr].join("\n");
    return { ok, summary, log, validated: s.valid, notValidated };
}

/** One object's result from `validateAgainstCrds`. */
export interface ObjectResult {
    /** `<Kind> <namespace>/<name>`. */
    object: string;
    /** valid, invalid, error (e.g. no schema for its kind) or skipped. */
    status: "valid" | "invalid" | "error" | "skipped";
    /** kubeconform's message (empty when valid). */
    msg: string;
}

/**
 * Validates custom resources strictly (unknown fields rejected, types and enums as the CRD says)
 * against the schemas of the given CustomResourceDefinitions only, with kubeconform: an object of a
 * kind none of them defines is an error, never skipped. CEL rules (`x-kubernetes-validations`) are
 * not evaluated (kubeconform does not run CEL). Returns one result per object, in order.
 */
export function validateAgainstCrds(objects: Json[], crds: Json[]): ObjectResult[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "validate-crs-"));
    try {
        const schemas = path.join(dir, "schemas");
        schemasOfCrds(schemas, crds);
        const files = objects.map((o, i) => {
            const file = path.join(dir, `object-${String(i).padStart(3, "0")}.yaml`);
            fs.writeFileSync(file, YAML.stringify(o));
            return file;
        });
        const args = [
            "-strict",
            "-verbose",
            "-output",
            "json",
            "-schema-location",
            `${schemas}/{{ .Group }}/{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json`,
            ...files,
        ];
        const res = spawnSync(kubeconformBinary(), args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
        const out = JSON.parse(res.stdout || "{}") as { resources?: Array<{ filename: string; status: string; msg: string }> };
        return files.map((file, i) => {
            const r = (out.resources ?? []).find((x) => x.filename === file);
            const meta = (objects[i].metadata ?? {}) as Json;
            const object = `${String(objects[i].kind)} ${meta.namespace ? `${String(meta.namespace)}/` : ""}${String(meta.name)}`;
            const status = (r?.status.replace("status", "").toLowerCase() ?? "error") as ObjectResult["status"];
            return { object, status, msg: r ? r.msg : `kubeconform gave no result (exit ${res.status}): ${res.stderr.trim()}` };
        });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

if (require.main === module) {
    const dir = process.argv[2];
    if (!dir) {
        process.stderr.write("usage: validate-manifests.ts <manifest directory>\n");
        process.exit(2);
    }
    const report = validateManifests(path.resolve(dir));
    process.stdout.write(`${report.summary}\n`);
    process.exit(report.ok ? 0 : 1);
}
