/**
 * A minimal Kubernetes API client for the e2e's checks (no kubectl here): HTTPS with the run's client
 * certificate, JSON in and out, and the `Warning` headers the API server returns (Pod Security warnings arrive
 * that way).
 */
import * as fs from "fs";
import * as https from "https";
import * as path from "path";

export interface KubeResponse {
    status: number;
    text: string;
    /** `Warning` response headers (RFC 7234 form `299 - "text"`), text only. */
    warnings: string[];
}

export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string; [k: string]: unknown };
    [k: string]: unknown;
}

export class Kube {
    private readonly agent: https.Agent;
    private readonly server: URL;

    constructor(opts: { server: string; pki: string; certName: string }) {
        this.server = new URL(opts.server);
        this.agent = new https.Agent({
            ca: fs.readFileSync(path.join(opts.pki, "ca.crt")),
            cert: fs.readFileSync(path.join(opts.pki, `${opts.certName}.crt`)),
            key: fs.readFileSync(path.join(opts.pki, `${opts.certName}.key`)),
            keepAlive: true,
        });
    }

    request(method: string, urlPath: string, body?: unknown, contentType = "application/json"): Promise<KubeResponse> {
        return new Promise((resolve, reject) => {
            const data = body === undefined ? undefined : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
            const req = https.request(
                {
                    host: this.server.hostname,
                    port: this.server.port,
                    path: urlPath,
                    method,
                    agent: this.agent,
                    headers: { Accept: "application/json", ...(data ? { "Content-Type": contentType, "Content-Length": data.length } : {}) },
                    timeout: 60000,
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const raw = res.headers.warning;
                        const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
                        resolve({
                            status: res.statusCode ?? 0,
                            text: Buffer.concat(chunks).toString("utf8"),
                            warnings: list.map((w) => /^\d{3} \S+ "(.*)"$/.exec(w)?.[1] ?? w),
                        });
                    });
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
            req.on("error", reject);
            if (data) {
                req.write(data);
            }
            req.end();
        });
    }

    async json<T>(urlPath: string): Promise<T> {
        const r = await this.request("GET", urlPath);
        if (r.status !== 200) {
            throw new Error(`GET ${urlPath}: ${r.status} ${r.text.slice(0, 300)}`);
        }
        return JSON.parse(r.text) as T;
    }

    /** Items of a list URL (e.g. /apis/apps/v1/replicasets), following `continue`. */
    async list(urlPath: string): Promise<KubeObject[]> {
        const items: KubeObject[] = [];
        let cont = "";
        do {
            const sep = urlPath.includes("?") ? "&" : "?";
            const page = await this.json<{ items: KubeObject[]; metadata: { continue?: string } }>(
                `${urlPath}${sep}limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`,
            );
            items.push(...page.items);
            cont = page.metadata.continue ?? "";
        } while (cont);
        return items;
    }

    /** Creates an object (POST to its collection); resolves with the server's answer, whatever it is. */
    create(obj: KubeObject, plural: string): Promise<KubeResponse> {
        return this.request("POST", collectionPath(obj.apiVersion, plural, obj.metadata.namespace), obj);
    }

    /** Server-side apply (the run's bootstrap objects). Throws unless the server accepts it. */
    async apply(obj: KubeObject, plural: string): Promise<void> {
        const url = `${collectionPath(obj.apiVersion, plural, obj.metadata.namespace)}/${obj.metadata.name}?fieldManager=agent-platform-e2e&force=true`;
        const r = await this.request("PATCH", url, obj, "application/apply-patch+yaml");
        if (r.status >= 300) {
            throw new Error(`apply ${obj.kind} ${obj.metadata.name}: ${r.status} ${r.text.slice(0, 400)}`);
        }
    }
}

/** The collection URL of a kind, e.g. ("apps/v1", "deployments", "ns") -> /apis/apps/v1/namespaces/ns/deployments. */
export function collectionPath(apiVersion: string, plural: string, namespace?: string): string {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return `${base}${namespace ? `/namespaces/${namespace}` : ""}/${plural}`;
}
