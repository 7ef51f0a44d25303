/**
 * Mock answers for @pulumi/digitalocean resources and functions (see ./index.ts): what the
 * DigitalOcean provider would report back. Ids are UUIDs (clusters, node pools, VPCs) or names
 * (buckets, as the provider uses them); a cluster gets its `https://<uuid>.k8s.ondigitalocean.com`
 * endpoint, a public IPv4 address, a CA certificate and a `kubeConfigs` entry shaped like DOKS's
 * (a 7-day token, raw kubeconfig), the running version slug and its default pool's nodes; a node
 * pool gets its nodes (droplet ids, names `<pool>-<5 chars>`); a bucket its region endpoint and
 * URN; a Spaces key an access key id and secret. `getKubernetesVersions` answers the newest patch
 * slug of the requested minor, and nothing for a minor DigitalOcean does not offer.
 */
import { createHash } from "crypto";
import type { MockTable } from "./types";

function hex(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** A stable UUID (version 4 layout) for a seed. */
export function mockUuid(...seed: string[]): string {
    const h = hex(...seed);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The name the engine's auto-naming would give (`<name>-<7 hex>`), stable per resource. */
function autoName(type: string, name: string, inputs: Record<string, any>): string {
    return typeof inputs.name === "string" && inputs.name ? inputs.name : `${name}-${hex(type, name).slice(0, 7)}`;
}

/** A base64 PEM certificate that looks like a cluster CA. */
function caCertificate(seed: string): string {
    const body = Buffer.from(hex("ca", seed).repeat(12), "hex")
        .toString("base64")
        .match(/.{1,64}/g)!
        .join("\n");
    return Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`).toString("base64");
}

/**
 * Minors DigitalOcean offers in the mocked world (2026-11-30) and their newest patch slugs.
 * 1.34 left upstream support in October 2026; a stack pinned to a minor not listed fails as it
 * would against the real API.
 */
export const OFFERED_KUBERNETES = { "1.35": "1.35.6-do.0", "1.36": "1.36.3-do.0", "1.37": "1.37.1-do.0" } as const;

const CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster";
const POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool";
const VPC = "digitalocean:index/vpc:Vpc";
const BUCKET = "digitalocean:index/spacesBucket:SpacesBucket";
const KEY = "digitalocean:index/spacesKey:SpacesKey";

/** Droplets of a pool: ids, names and status as the provider lists them. */
function nodes(poolName: string, count: number): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => ({
        id: mockUuid("node", poolName, String(i)),
        name: `${poolName}-${hex("n", poolName, String(i)).slice(0, 5)}`,
        status: "running",
        dropletId: String(400000000 + (parseInt(hex("droplet", poolName, String(i)).slice(0, 7), 16) % 99999999)),
        createdAt: "2026-11-30T00:00:00Z",
        updatedAt: "2026-11-30T00:00:00Z",
    }));
}

function ids(type: string, name: string, inputs: Record<string, any>): string | undefined {
    switch (type) {
        case CLUSTER:
        case POOL:
        case VPC:
            return mockUuid(type, name);
        case BUCKET:
            return autoName(type, name, inputs);
        case KEY:
            return `DO${hex("key", name).slice(0, 18).toUpperCase()}`;
        default:
            return undefined;
    }
}

export const digitaloceanMocks: MockTable = {
    prefix: "digitalocean:",
    id: ids,
    states: {
        [VPC]: (name, inputs) => ({
            name: autoName(VPC, name, inputs),
            urn: `do:vpc:${mockUuid(VPC, name)}`,
            default: false,
            createdAt: "2026-11-30T00:00:00Z",
        }),
        [CLUSTER]: (name, inputs) => {
            const id = mockUuid(CLUSTER, name);
            const endpoint = `https://${id}.k8s.ondigitalocean.com`;
            const ca = caCertificate(id);
            const h = hex("ip", id);
            const token = `dop_v1_${hex("token", id)}`;
            const n = String(inputs.name ?? name);
            const raw = [
                "apiVersion: v1",
                "kind: Config",
                `clusters: [{name: do-${inputs.region}-${n}, cluster: {server: "${endpoint}", certificate-authority-data: ${ca}}}]`,
                `users: [{name: do-${inputs.region}-${n}-admin, user: {token: ${token}}}]`,
                `contexts: [{name: do-${inputs.region}-${n}, context: {cluster: do-${inputs.region}-${n}, user: do-${inputs.region}-${n}-admin}}]`,
                `current-context: do-${inputs.region}-${n}`,
            ].join("\n");
            const pool = (inputs.nodePool ?? {}) as Record<string, any>;
            const poolName = String(pool.name ?? "default");
            const count = Number(pool.autoScale ? pool.minNodes : (pool.nodeCount ?? 1));
            return {
                name: n,
                urn: `do:kubernetes:${id}`,
                clusterUrn: `do:kubernetes:${id}`,
                endpoint,
                ipv4Address: `164.90.${parseInt(h.slice(0, 2), 16)}.${(parseInt(h.slice(2, 4), 16) % 250) + 2}`,
                status: "running",
                version: String(inputs.version),
                clusterSubnet: inputs.clusterSubnet ?? "10.244.0.0/16",
                serviceSubnet: inputs.serviceSubnet ?? "10.245.0.0/16",
                kubeConfigs: [
                    {
                        host: endpoint,
                        clusterCaCertificate: ca,
                        token,
                        expiresAt: "2026-12-07T00:00:00Z",
                        rawConfig: raw,
                        clientCertificate: "",
                        clientKey: "",
                    },
                ],
                nodePool: { ...pool, id: mockUuid(POOL, name, poolName), actualNodeCount: count, nodes: nodes(poolName, count) },
                createdAt: "2026-11-30T00:00:00Z",
                updatedAt: "2026-11-30T00:00:00Z",
            };
        },
        [POOL]: (name, inputs) => {
            const count = Number(inputs.autoScale ? inputs.minNodes : (inputs.nodeCount ?? 1));
            return { name: String(inputs.name ?? name), actualNodeCount: count, nodes: nodes(String(inputs.name ?? name), count) };
        },
        [BUCKET]: (name, inputs) => {
            const n = autoName(BUCKET, name, inputs);
            const region = String(inputs.region ?? "nyc3");
            return {
                name: n,
                region,
                urn: `do:space:${n}`,
                bucketDomainName: `${n}.${region}.digitaloceanspaces.com`,
                endpoint: `${region}.digitaloceanspaces.com`,
            };
        },
        [KEY]: (name) => ({
            accessKey: `DO${hex("key", name).slice(0, 18).toUpperCase()}`,
            secretKey: Buffer.from(hex("secret", name), "hex")
                .toString("base64")
                .replace(/[^A-Za-z0-9]/g, "")
                .slice(0, 43),
            createdAt: "2026-11-30T00:00:00Z",
        }),
    },
    calls: {
        "digitalocean:index/getKubernetesVersions:getKubernetesVersions": (inputs) => {
            const prefix = String(inputs.versionPrefix ?? "");
            const valid = Object.values(OFFERED_KUBERNETES).filter((v) => v.startsWith(prefix));
            return { id: "kubernetes-versions", versionPrefix: prefix, validVersions: valid, latestVersion: valid[valid.length - 1] ?? "" };
        },
    },
};
