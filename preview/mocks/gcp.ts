/**
 * Mock answers for @pulumi/gcp resources and functions (see ./index.ts): what the Google provider
 * would report back. Auto-named resources get the engine's `<name>-<7 hex>` name, ids have the
 * provider's shapes (`projects/p/locations/l/keyRings/r/cryptoKeys/k`, ...), a cluster gets an
 * endpoint (private or public as configured), a CA certificate and a master version; service
 * accounts get their e-mail, a service-account key its credentials file (base64 JSON with a made-up
 * PEM key); `getProject` answers a stable 12-digit project number.
 */
import { createHash } from "crypto";
import type { MockTable } from "./types";

function hex(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** The name the engine's auto-naming would give (`<name>-<7 hex>`), stable per resource. */
function autoName(type: string, name: string): string {
    return `${name}-${hex(type, name).slice(0, 7)}`;
}

/** The project a resource lives in (its input, or the provider's default project). */
function projectOf(inputs: Record<string, any>): string {
    return typeof inputs.project === "string" && inputs.project ? inputs.project : "acme-agents-prod";
}

/** A stable 12-digit project number for a project ID. */
export function projectNumber(project: string): string {
    return String(100000000000 + (parseInt(hex("project", project).slice(0, 10), 16) % 900000000000));
}

/** A base64 PEM certificate that looks like a cluster CA. */
function caCertificate(seed: string): string {
    const body = Buffer.from(hex("ca", seed).repeat(12), "hex")
        .toString("base64")
        .match(/.{1,64}/g)!
        .join("\n");
    return Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`).toString("base64");
}

const NAMED = new Set([
    "gcp:compute/network:Network",
    "gcp:compute/subnetwork:Subnetwork",
    "gcp:compute/router:Router",
    "gcp:compute/routerNat:RouterNat",
    "gcp:kms/keyRing:KeyRing",
    "gcp:kms/cryptoKey:CryptoKey",
    "gcp:container/cluster:Cluster",
    "gcp:container/nodePool:NodePool",
    "gcp:storage/bucket:Bucket",
    "gcp:logging/projectSink:ProjectSink",
]);

/** The resource's own name: its `name` input, else the auto-name. */
function nameOf(type: string, name: string, inputs: Record<string, any>): string {
    return typeof inputs.name === "string" && inputs.name ? inputs.name : autoName(type, name);
}

function ids(type: string, name: string, inputs: Record<string, any>): string | undefined {
    const p = projectOf(inputs);
    const n = nameOf(type, name, inputs);
    switch (type) {
        case "gcp:compute/network:Network":
            return `projects/${p}/global/networks/${n}`;
        case "gcp:compute/subnetwork:Subnetwork":
            return `projects/${p}/regions/${inputs.region}/subnetworks/${n}`;
        case "gcp:compute/router:Router":
            return `projects/${p}/regions/${inputs.region}/routers/${n}`;
        case "gcp:compute/routerNat:RouterNat":
            return `${p}/${inputs.region}/${inputs.router}/${n}`;
        case "gcp:kms/keyRing:KeyRing":
            return `projects/${p}/locations/${inputs.location}/keyRings/${n}`;
        case "gcp:kms/cryptoKey:CryptoKey":
            return `${inputs.keyRing}/cryptoKeys/${n}`;
        case "gcp:container/cluster:Cluster":
            return `projects/${p}/locations/${inputs.location}/clusters/${n}`;
        case "gcp:container/nodePool:NodePool":
            return `${p}/${inputs.location}/${inputs.cluster}/${n}`;
        case "gcp:serviceaccount/account:Account":
            return `projects/${p}/serviceAccounts/${inputs.accountId}@${p}.iam.gserviceaccount.com`;
        case "gcp:storage/bucket:Bucket":
            return n;
        case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
            return `projects/${p}/locations/${inputs.location}/buckets/${inputs.bucketId}`;
        case "gcp:logging/projectSink:ProjectSink":
            return `projects/${p}/sinks/${n}`;
        default:
            return undefined;
    }
}

export const gcpMocks: MockTable = {
    prefix: "gcp:",
    id: ids,
    fallback: (_name, inputs) => ({ project: projectOf(inputs) }),
    states: {
        ...Object.fromEntries([...NAMED].map((type) => [type, (name: string, inputs: Record<string, any>) => ({ name: nameOf(type, name, inputs) })])),
        "gcp:compute/network:Network": (name, inputs) => {
            const n = nameOf("gcp:compute/network:Network", name, inputs);
            return {
                name: n,
                selfLink: `https://www.googleapis.com/compute/v1/projects/${projectOf(inputs)}/global/networks/${n}`,
                numericId: String(BigInt(`0x${hex("net", n).slice(0, 15)}`)),
            };
        },
        "gcp:compute/subnetwork:Subnetwork": (name, inputs) => {
            const n = nameOf("gcp:compute/subnetwork:Subnetwork", name, inputs);
            const [a, b, c] = String(inputs.ipCidrRange ?? "10.0.0.0/16").split(/[./]/);
            return {
                name: n,
                selfLink: `https://www.googleapis.com/compute/v1/projects/${projectOf(inputs)}/regions/${inputs.region}/subnetworks/${n}`,
                gatewayAddress: `${a}.${b}.${c}.1`,
                stackType: "IPV4_ONLY",
            };
        },
        "gcp:kms/cryptoKey:CryptoKey": (name, inputs) => {
            const n = nameOf("gcp:kms/cryptoKey:CryptoKey", name, inputs);
            return { name: n, primaries: [{ name: `${inputs.keyRing}/cryptoKeys/${n}/cryptoKeyVersions/1`, state: "ENABLED" }] };
        },
        "gcp:container/cluster:Cluster": (name, inputs) => {
            const n = nameOf("gcp:container/cluster:Cluster", name, inputs);
            const h = hex("cluster", projectOf(inputs), n);
            const publicIp = `34.${(parseInt(h.slice(0, 2), 16) % 200) + 10}.${parseInt(h.slice(2, 4), 16)}.${(parseInt(h.slice(4, 6), 16) % 250) + 2}`;
            const masterCidr = String(inputs.privateClusterConfig?.masterIpv4CidrBlock ?? "172.16.0.0/28");
            const [a, b, c, d] = masterCidr.split(/[./]/).map(Number);
            const privateIp = `${a}.${b}.${c}.${d + 2}`;
            const privateEndpoint = inputs.privateClusterConfig?.enablePrivateEndpoint === true;
            const minor = String(inputs.minMasterVersion ?? "1.33");
            return {
                name: n,
                endpoint: privateEndpoint ? privateIp : publicIp,
                masterAuth: { ...(inputs.masterAuth ?? {}), clusterCaCertificate: caCertificate(h), clientCertificate: "", clientKey: "" },
                masterVersion: `${minor}.5-gke.1200000`,
                selfLink: `https://container.googleapis.com/v1/projects/${projectOf(inputs)}/locations/${inputs.location}/clusters/${n}`,
                privateClusterConfig: {
                    ...(inputs.privateClusterConfig ?? {}),
                    privateEndpoint: privateIp,
                    publicEndpoint: privateEndpoint ? "" : publicIp,
                    peeringName: "",
                },
                labelFingerprint: h.slice(0, 8),
                operation: "",
            };
        },
        "gcp:container/nodePool:NodePool": (name, inputs) => {
            const n = nameOf("gcp:container/nodePool:NodePool", name, inputs);
            const p = projectOf(inputs);
            return {
                name: n,
                version: "1.33.5-gke.1200000",
                instanceGroupUrls: (inputs.nodeLocations ?? []).map(
                    (z: string) => `https://www.googleapis.com/compute/v1/projects/${p}/zones/${z}/instanceGroupManagers/gke-${n}-${hex(n, z).slice(0, 8)}-grp`,
                ),
            };
        },
        "gcp:serviceaccount/account:Account": (_name, inputs) => {
            const p = projectOf(inputs);
            const email = `${inputs.accountId}@${p}.iam.gserviceaccount.com`;
            return {
                email,
                member: `serviceAccount:${email}`,
                name: `projects/${p}/serviceAccounts/${email}`,
                uniqueId: String(100000000000000000000n + BigInt(`0x${hex("sa", email).slice(0, 16)}`)),
            };
        },
        "gcp:serviceaccount/key:Key": (name, inputs) => {
            // serviceAccountId is the account's `projects/<p>/serviceAccounts/<email>` (or the e-mail itself).
            const email =
                String(inputs.serviceAccountId ?? "")
                    .split("/")
                    .pop() ?? "";
            const keyId = hex("sa-key", name, email).slice(0, 40);
            const body = Buffer.from(hex("private-key", keyId).repeat(24), "hex")
                .toString("base64")
                .match(/.{1,64}/g)!
                .join("\n");
            const file = {
                type: "service_account",
                project_id: email.split("@")[1]?.split(".")[0] ?? "",
                private_key_id: keyId,
                private_key: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
                client_email: email,
                token_uri: "https://oauth2.googleapis.com/token",
            };
            return {
                name: `projects/${email.split("@")[1]?.split(".")[0] ?? ""}/serviceAccounts/${email}/keys/${keyId}`,
                privateKey: Buffer.from(JSON.stringify(file)).toString("base64"),
                privateKeyType: "TYPE_GOOGLE_CREDENTIALS_FILE",
                keyAlgorithm: "KEY_ALG_RSA_2048",
                validAfter: "2026-11-30T00:00:00Z",
                validBefore: "9999-12-31T23:59:59Z",
            };
        },
        "gcp:storage/bucket:Bucket": (name, inputs) => {
            const n = nameOf("gcp:storage/bucket:Bucket", name, inputs);
            return { name: n, url: `gs://${n}`, selfLink: `https://www.googleapis.com/storage/v1/b/${n}` };
        },
        "gcp:logging/projectBucketConfig:ProjectBucketConfig": (_name, inputs) => ({
            name: `projects/${projectOf(inputs)}/locations/${inputs.location}/buckets/${inputs.bucketId}`,
            lifecycleState: "ACTIVE",
        }),
        "gcp:logging/projectSink:ProjectSink": (name, inputs) => ({
            name: nameOf("gcp:logging/projectSink:ProjectSink", name, inputs),
            writerIdentity: `serviceAccount:service-${projectNumber(projectOf(inputs))}@gcp-sa-logging.iam.gserviceaccount.com`,
        }),
    },
    calls: {
        "gcp:organizations/getProject:getProject": (inputs) => {
            const p = projectOf({ project: inputs.projectId });
            return {
                id: `projects/${p}`,
                projectId: p,
                name: p,
                number: projectNumber(p),
                orgId: "123456789012",
                folderId: "",
                autoCreateNetwork: true,
                labels: {},
            };
        },
        "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": (inputs) => {
            const p = projectOf(inputs);
            const email = `service-${projectNumber(p)}@gs-project-accounts.iam.gserviceaccount.com`;
            return { id: p, project: p, emailAddress: email, member: `serviceAccount:${email}` };
        },
    },
};
