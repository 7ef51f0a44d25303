/**
 * Pure parsing and validation of a stack's configuration. No Pulumi calls: `config/index.ts`
 * reads the values, this module judges them. Every problem is collected; if there is any, one
 * `StackConfigError` lists them all, before any resource is registered.
 */
import * as fs from "fs";
import * as path from "path";
import { AWS_REGION, PRINCIPAL_ARN as ARN } from "../components/aws/args";
import { AKS_TIERS, AZURE_REGION, ENTRA_OBJECT_ID as UUID, KUBELOGIN_MODES } from "../components/azure/args";
import {
    DEFAULT_KUBERNETES_VERSION,
    DEFAULT_NETWORK,
    DEFAULT_RETENTION,
    DEFAULT_ZONES,
    defaultNatGateways,
    defaultNodePools,
    defaultPoolFor,
    MIN_KUBERNETES_MINOR,
} from "../components/defaults";
import { DO_REGION } from "../components/digitalocean/args";
import { DNS_SUBDOMAIN, EXISTING_MAX_NODES_LIMIT } from "../components/existing/args";
import { GCP_PROJECT, GCP_REGION } from "../components/gcp/args";
import { DNS_NAME, EMAIL, IMAGE_REPO, IMAGE_TAG } from "../components/platform/args";
import { DEFAULT_AGENT_EGRESS_CIDRS, egressDestinationDefect } from "../components/platform/egress";
import { chartMirrorKind, helmPullCommand, missingFromMirror, resolveMirrorFolder } from "../components/platform/charts";
import { ADDON_NAMES, CLOUDS, Cloud, ENVIRONMENTS, Environment, ISSUERS, NODE_ROLES, NodePoolSpec, OptionalAddons, RetentionConfig } from "../components/types";
import { resolveDropletSize, resolveMachineSize } from "../policy/catalog";
import { PROD_FLOOR } from "../policy/catalog/floors";
import { knownMinors } from "../policy/catalog/kubernetesVersions";
import { DEFAULT_MIN_PUBLIC_PREFIX, judgePublicCidrs } from "../policy/lib/cidr";
import { checkComponentArgs } from "./componentChecks";
import { checkNamespaces } from "./namespaces";
import { ALERTING_KEYS, parseOperations } from "./operations";
import { checkCloudNetwork } from "./network";
import { Reader, StackConfigError } from "./reader";
import type { AwsConfig, AzureConfig, DigitalOceanConfig, ExistingClusterConfig, GcpConfig, PlatformConfig, StackConfig, StackConfigBase } from "./types";

/** Every top-level key the program reads (in the project's config namespace). */
export const TOP_LEVEL_KEYS = [
    "cloud",
    "environment",
    "region",
    "zones",
    "kubernetesVersion",
    "nodePools",
    "network",
    "endpoint",
    "retention",
    "protectStateful",
    "tags",
    "platform",
    "drRegion",
    "alerting",
    "passwordRotationDays",
    "aws",
    "gcp",
    "azure",
    "digitalocean",
    "existing",
] as const;

const POOL_KEYS = ["instanceType", "minNodes", "maxNodes", "desiredNodes", "diskSizeGb"] as const;
const NETWORK_KEYS = ["cidr", "podCidr", "serviceCidr", "natGateways"] as const;
const ENDPOINT_KEYS = ["publicAccess", "publicAccessCidrs"] as const;
const PLATFORM_KEYS = ["domain", "acmeEmail", "issuer", "jamie", "scarlet", "addons", "thirdPartyCharts", "chartMirror", "agentEgressCidrs"] as const;
const IMAGE_KEYS = ["repository", "tag"] as const;
const ADDON_KEYS = ADDON_NAMES;
const EXISTING_KEYS = ["kubeconfig", "kubeconfigPath", "context", "storageClass", "objectStore", "maxNodes", "renderYamlToDirectory"] as const;
const STORE_KEYS = ["endpoint", "bucket", "region", "accessKeyId", "secretAccessKey"] as const;
const AWS_KEYS = ["adminPrincipalArns"] as const;
const GCP_KEYS = ["project"] as const;
const AZURE_KEYS = ["adminGroupObjectIds", "tier", "kubeloginMode"] as const;
const DO_KEYS = ["controlPlaneAllowedCidrs", "spacesRegion"] as const;

/** Longest inline kubeconfig accepted (1 MiB); other strings stop at MAX_STRING_LENGTH. */
const MAX_KUBECONFIG_LENGTH = 1 << 20;
/** Most list items a key takes (zones, CIDRs, principals, groups). */
const MAX_ITEMS = 64;

/**
 * Every key the program reads under the project namespace, as a tree: a list of leaf names, or an
 * object of subtrees. The docs test checks every key the docs mention against it.
 */
export const CONFIG_KEYS = {
    cloud: [],
    environment: [],
    region: [],
    zones: [],
    kubernetesVersion: [],
    nodePools: Object.fromEntries(NODE_ROLES.map((r) => [r, POOL_KEYS])),
    network: NETWORK_KEYS,
    endpoint: ENDPOINT_KEYS,
    retention: Object.keys(DEFAULT_RETENTION),
    protectStateful: [],
    tags: [],
    platform: {
        domain: [],
        acmeEmail: [],
        issuer: [],
        jamie: IMAGE_KEYS,
        scarlet: IMAGE_KEYS,
        addons: ADDON_KEYS,
        thirdPartyCharts: [],
        chartMirror: [],
        agentEgressCidrs: [],
    },
    aws: AWS_KEYS,
    gcp: GCP_KEYS,
    azure: AZURE_KEYS,
    digitalocean: DO_KEYS,
    existing: { kubeconfig: [], kubeconfigPath: [], context: [], storageClass: [], objectStore: STORE_KEYS, maxNodes: [], renderYamlToDirectory: [] },
    drRegion: [],
    alerting: ALERTING_KEYS,
    passwordRotationDays: [],
} as const;

/** Every dotted config path (`existing.objectStore.endpoint`) the program reads, leaves and sections. */
export function knownConfigPaths(): string[] {
    const out: string[] = [];
    const walk = (prefix: string, node: unknown): void => {
        if (Array.isArray(node)) {
            node.forEach((leaf) => out.push(`${prefix}.${leaf}`));
            return;
        }
        for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
            const p = prefix ? `${prefix}.${k}` : k;
            out.push(p);
            walk(p, v);
        }
    };
    walk("", CONFIG_KEYS);
    return out.sort();
}

/** Options of `parseStackConfig` beyond the project's own keys. */
export interface ParseOptions {
    /** The project name (the namespace of the project's keys). @default "agent-platform" */
    project?: string;
    /**
     * Keys outside the project namespace, full key (`aws:region`) -> decoded value; when given,
     * each is checked (config/namespaces.ts).
     */
    otherNamespaces?: Record<string, unknown>;
}

const K8S_VERSION = /^1\.(\d{2})$/;

/**
 * Validates raw config values (already JSON-decoded, keyed without the project namespace) into a
 * `StackConfig`. `secretKeys` names the dotted keys whose values are secret (`existing` for a
 * whole secret object, `existing.kubeconfig` for one secret value inside it): values under them
 * are never echoed, and keys that hold credentials must be among them. Throws `StackConfigError`
 * listing every problem.
 */
export function parseStackConfig(
    stack: string,
    given: Record<string, unknown>,
    secretKeys: ReadonlySet<string> = new Set(),
    options: ParseOptions = {},
): StackConfig {
    const r = new Reader(secretKeys);
    // The CLI fills declared defaults ("", {}, []) for keys a stack leaves out: treat them as absent.
    const raw = Object.fromEntries(Object.entries(given).filter(([, v]) => !isEmptyDefault(v)));
    r.noUnknownKeys("", raw, TOP_LEVEL_KEYS);

    const cloud = raw.cloud === undefined ? r.fail("cloud", `missing required key; allowed: ${CLOUDS.join(", ")}`) : r.oneOf<Cloud>("cloud", raw.cloud, CLOUDS);
    const environment =
        raw.environment === undefined
            ? r.fail("environment", `missing required key; allowed: ${ENVIRONMENTS.join(", ")}`)
            : r.oneOf<Environment>("environment", raw.environment, ENVIRONMENTS);
    const prod = environment === "prod";

    // Region: required and shaped per cloud; meaningless for an existing cluster.
    let region = "";
    if (cloud && cloud !== "existing") {
        const pattern = { aws: AWS_REGION, gcp: GCP_REGION, azure: AZURE_REGION, digitalocean: DO_REGION }[cloud];
        const example = { aws: "eu-west-1", gcp: "europe-west4", azure: "westeurope", digitalocean: "fra1" }[cloud];
        region =
            raw.region === undefined
                ? (r.fail("region", `missing required key for cloud ${cloud}; e.g. ${example}`) ?? "")
                : (r.string("region", raw.region, { pattern, describe: `a region name such as ${example}` }) ?? "");
    } else if (cloud === "existing" && raw.region !== undefined) {
        r.fail("region", `found ${r.show("region", raw.region)}; not used with cloud existing, remove it`);
    }

    // Zones: at least 3 in prod; AWS/GCP zone names must belong to the region.
    // A DigitalOcean region is one datacenter: there are no zones to list (docs/clouds.md).
    const minZones = prod ? PROD_FLOOR.zones : 1;
    if (cloud === "digitalocean" && raw.zones !== undefined) {
        r.fail("zones", `found ${r.show("zones", raw.zones)}; a DigitalOcean region is one datacenter without availability zones, remove zones`);
    }
    let zones =
        cloud === "digitalocean"
            ? []
            : (r.stringArray("zones", raw.zones, {
                  minItems: minZones,
                  maxItems: MAX_ITEMS,
                  item: (k, v) => r.string(k, v, { maxLength: 64 }) !== undefined,
              }) ?? (raw.zones === undefined && cloud && DEFAULT_ZONES[cloud] ? [...DEFAULT_ZONES[cloud]] : undefined));
    if (raw.zones === undefined && cloud && !DEFAULT_ZONES[cloud]) {
        if (cloud === "existing" && !prod) {
            zones = ["zone-a"];
        } else {
            r.fail(
                "zones",
                `missing required key for cloud ${cloud}; list at least ${minZones} zone${minZones === 1 ? "" : "s"}${cloud === "aws" ? " such as eu-west-1a" : cloud === "gcp" ? " such as europe-west4-a" : ""}`,
            );
        }
    }
    if (zones && region && (cloud === "aws" || cloud === "gcp")) {
        zones.forEach((z, i) => {
            if (!z.startsWith(region)) {
                r.fail(`zones[${i}]`, `found ${r.show(`zones[${i}]`, z)}; must be a zone of region ${region} (e.g. ${region}${cloud === "aws" ? "a" : "-a"})`);
            }
        });
    }
    if (zones && new Set(zones).size !== zones.length) {
        r.fail("zones", `found ${r.show("zones", zones)}; zones must be distinct`);
    }

    // Kubernetes version.
    let kubernetesVersion = cloud ? DEFAULT_KUBERNETES_VERSION[cloud] : "";
    if (raw.kubernetesVersion !== undefined) {
        const v = r.string("kubernetesVersion", raw.kubernetesVersion, {
            pattern: K8S_VERSION,
            describe: 'a Kubernetes minor version such as "1.35" (quoted)',
        });
        if (v !== undefined) {
            const minor = Number(K8S_VERSION.exec(v)![1]);
            // A minor the cloud's dated support table does not list does not exist there (yet);
            // a listed minor past its standard support is the policy pack's to reject (prod: mandatory).
            const known = cloud ? knownMinors(cloud) : [];
            if (minor < MIN_KUBERNETES_MINOR) {
                r.fail(
                    "kubernetesVersion",
                    `found ${r.show("kubernetesVersion", v)}; out of range, allowed 1.${MIN_KUBERNETES_MINOR} or newer (older minors are out of standard support)`,
                );
            } else if (cloud && !known.includes(v)) {
                r.fail(
                    "kubernetesVersion",
                    `found ${r.show("kubernetesVersion", v)}; not a Kubernetes minor ${cloud} offers, allowed: ${known.join(", ")} (policy/catalog/kubernetesVersions.ts; the default is ${DEFAULT_KUBERNETES_VERSION[cloud]})`,
                );
            } else {
                kubernetesVersion = v;
            }
        }
    }

    const nodePools = cloud && environment ? parseNodePools(r, raw.nodePools, cloud, environment, zones?.length ?? 0) : [];
    const network = parseNetwork(r, raw.network, prod, cloud);
    const endpoint = parseEndpoint(r, raw.endpoint, prod, cloud);
    const retention = parseRetention(r, raw.retention);
    const protectStateful = r.boolean("protectStateful", raw.protectStateful) ?? true;
    if (prod && protectStateful === false) {
        r.fail("protectStateful", "found false; production stacks must protect stateful resources, allowed: true");
    }
    const tags = parseTags(r, raw.tags);
    const clusterCidrs =
        cloud && cloud !== "existing" ? [network.cidr, network.podCidr, network.serviceCidr].filter((c) => typeof c === "string" && c !== "") : [];
    const platform = parsePlatform(r, raw.platform, clusterCidrs);
    const regionPattern = cloud && cloud !== "existing" ? { aws: AWS_REGION, gcp: GCP_REGION, azure: AZURE_REGION, digitalocean: DO_REGION }[cloud] : undefined;
    const operations = parseOperations(r, raw, { cloud, environment, region, regionPattern });

    // The common part, then the chosen cloud's section (StackConfig is keyed by cloud).
    const cfg: Partial<StackConfigBase> & {
        cloud?: Cloud;
        aws?: AwsConfig;
        gcp?: GcpConfig;
        azure?: AzureConfig;
        digitalocean?: DigitalOceanConfig;
        existing?: ExistingClusterConfig;
    } = {
        stack,
        cloud,
        environment,
        region,
        zones: zones ?? [],
        kubernetesVersion,
        nodePools,
        network,
        endpoint,
        retention,
        protectStateful,
        tags,
        platform,
        ...(operations.drRegion === undefined ? {} : { drRegion: operations.drRegion }),
        alerting: operations.alerting,
        passwordRotationDays: operations.passwordRotationDays,
    };

    // Cloud-specific sections: only the chosen cloud's section may be present (when the cloud
    // itself is missing or unknown, that is the one problem to report).
    for (const section of ["aws", "gcp", "azure", "digitalocean", "existing"] as const) {
        if (raw[section] !== undefined && cloud !== undefined && section !== cloud) {
            r.fail(section, `found a ${section} section but cloud is ${JSON.stringify(cloud)}; remove it or set cloud: ${section}`);
        }
    }
    if (cloud === "aws") {
        const o = r.object("aws", raw.aws) ?? {};
        r.noUnknownKeys("aws", o, AWS_KEYS);
        if (o.adminPrincipalArns === undefined) {
            r.fail(
                "aws.adminPrincipalArns",
                "missing required key for cloud aws; at least one IAM role or user ARN that gets cluster-admin (access entries replace the aws-auth ConfigMap)",
            );
        }
        cfg.aws = {
            adminPrincipalArns:
                r.stringArray("aws.adminPrincipalArns", o.adminPrincipalArns, {
                    minItems: 1,
                    maxItems: MAX_ITEMS,
                    item: (k, v) =>
                        (r.string(k, v) !== undefined && ARN.test(v)) ||
                        r.fail(k, `found ${r.show(k, v)}; must be an IAM role or user ARN (arn:aws:iam::123456789012:role/name)`) !== undefined,
                }) ?? [],
        };
    }
    if (cloud === "gcp") {
        const o = r.object("gcp", raw.gcp) ?? {};
        r.noUnknownKeys("gcp", o, GCP_KEYS);
        const project =
            o.project === undefined
                ? r.fail("gcp.project", "missing required key for cloud gcp; the Google Cloud project ID")
                : r.string("gcp.project", o.project, { pattern: GCP_PROJECT, describe: "a project ID: 6-30 lower-case letters, digits and hyphens" });
        cfg.gcp = { project: project ?? "" };
    }
    if (cloud === "azure") {
        const o = r.object("azure", raw.azure) ?? {};
        r.noUnknownKeys("azure", o, AZURE_KEYS);
        if (o.adminGroupObjectIds === undefined) {
            r.fail(
                "azure.adminGroupObjectIds",
                "missing required key for cloud azure; at least one Entra ID group object ID that gets cluster-admin (local accounts are disabled)",
            );
        }
        cfg.azure = {
            adminGroupObjectIds:
                r.stringArray("azure.adminGroupObjectIds", o.adminGroupObjectIds, {
                    minItems: 1,
                    maxItems: MAX_ITEMS,
                    item: (k, v) => UUID.test(v) || r.fail(k, `found ${r.show(k, v)}; must be an Entra ID group object ID (a GUID)`) !== undefined,
                }) ?? [],
            tier: r.oneOf("azure.tier", o.tier, AKS_TIERS) ?? "Standard",
            kubeloginMode: r.oneOf("azure.kubeloginMode", o.kubeloginMode, KUBELOGIN_MODES) ?? "azurecli",
        };
    }
    if (cloud === "digitalocean") {
        const o = r.object("digitalocean", raw.digitalocean) ?? {};
        r.noUnknownKeys("digitalocean", o, DO_KEYS);
        const controlPlaneAllowedCidrs =
            r.stringArray("digitalocean.controlPlaneAllowedCidrs", o.controlPlaneAllowedCidrs, {
                item: (k, v) =>
                    v === "0.0.0.0/0"
                        ? r.fail(k, 'found "0.0.0.0/0"; the whole internet is not allowed, list your runner or VPN egress ranges') !== undefined
                        : r.cidr(k, v) !== undefined,
            }) ?? [];
        const spacesRegion =
            r.string("digitalocean.spacesRegion", o.spacesRegion, { pattern: DO_REGION, describe: "a Spaces region slug such as fra1" }) ?? region;
        cfg.digitalocean = { controlPlaneAllowedCidrs, spacesRegion };
    }
    if (cloud === "existing") {
        cfg.existing = parseExisting(r, raw.existing);
    }

    // Addresses and zones as each cloud uses them (overlaps, sizes, the EKS component's checks).
    if (cloud) {
        const networkRaw = raw.network !== null && typeof raw.network === "object" ? (raw.network as Record<string, unknown>) : {};
        checkCloudNetwork(r, {
            cloud,
            region,
            zones: zones ?? [],
            network,
            given: new Set(Object.keys(networkRaw).filter((k) => networkRaw[k] !== undefined)),
            endpoint,
            nodePools,
            kubernetesVersion,
            retention,
            adminPrincipalArns: cfg.aws?.adminPrincipalArns ?? [],
        });
    }
    if (options.otherNamespaces) {
        checkNamespaces(r, options.otherNamespaces, {
            project: options.project ?? "agent-platform",
            cloud,
            region,
            gcpProject: cfg.gcp?.project,
            projectKeys: TOP_LEVEL_KEYS,
        });
    }

    // Last: what the components themselves would refuse, under the stack file's keys.
    if (r.problems.length === 0) {
        checkComponentArgs(r, cfg as StackConfig);
    }
    if (r.problems.length > 0) {
        throw new StackConfigError(stack, r.problems);
    }
    return cfg as StackConfig;
}

function isEmptyDefault(v: unknown): boolean {
    return v === "" || (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);
}

function parseNodePools(r: Reader, value: unknown, cloud: Cloud, environment: Environment, zoneCount: number): NodePoolSpec[] {
    const prod = environment === "prod";
    if (cloud === "existing") {
        if (value !== undefined) {
            r.fail("nodePools", "found node pools but cloud is existing; an existing cluster brings its own nodes, remove nodePools");
        }
        return [];
    }
    // Overrides merge per pool and per field over the defaults: naming one pool keeps the others.
    const o = r.object("nodePools", value) ?? {};
    r.noUnknownKeys("nodePools", o, NODE_ROLES);
    const defaults = defaultNodePools(cloud, environment);
    const pools: NodePoolSpec[] = [];
    for (const role of NODE_ROLES) {
        const base = defaults.find((p) => p.role === role);
        if (o[role] === undefined) {
            if (base) {
                pools.push(base);
            }
            continue;
        }
        const p = r.object(`nodePools.${role}`, o[role]) ?? {};
        r.noUnknownKeys(`nodePools.${role}`, p, POOL_KEYS);
        const d = base ?? { role, ...defaultPoolFor(cloud, environment, role)! };
        const key = (k: string): string => `nodePools.${role}.${k}`;
        const instanceType = r.string(key("instanceType"), p.instanceType, { maxLength: 64 }) ?? d.instanceType;
        const minNodes = r.integer(key("minNodes"), p.minNodes, prod ? PROD_FLOOR.nodes : 1, 1000) ?? d.minNodes;
        const maxNodes = r.integer(key("maxNodes"), p.maxNodes, 1, 1000) ?? Math.max(d.maxNodes, minNodes);
        const desiredNodes = r.integer(key("desiredNodes"), p.desiredNodes, 1, 1000) ?? Math.min(Math.max(d.desiredNodes, minNodes), maxNodes);
        const diskSizeGb = r.integer(key("diskSizeGb"), p.diskSizeGb, prod ? PROD_FLOOR.diskGb : 20, 16384) ?? d.diskSizeGb;
        if (maxNodes < minNodes) {
            r.fail(key("maxNodes"), `found ${maxNodes}${p.maxNodes === undefined ? " (the default)" : ""}; must be at least minNodes (${minNodes})`);
        } else if (desiredNodes < minNodes || desiredNodes > maxNodes) {
            r.fail(
                key("desiredNodes"),
                `found ${desiredNodes}${p.desiredNodes === undefined ? " (the default)" : ""}; must be between minNodes (${minNodes}) and maxNodes (${maxNodes})`,
            );
        }
        pools.push({ role, instanceType, minNodes, maxNodes, desiredNodes, diskSizeGb });
    }
    for (const pool of pools) {
        const key = `nodePools.${pool.role}.instanceType`;
        const size = resolveMachineSize(cloud, pool.instanceType);
        if (size === undefined) {
            if (prod) {
                r.fail(
                    key,
                    `found ${r.show(key, pool.instanceType)}; unknown ${cloud} machine type, allowed: a type in the size catalogue (policy/catalog/${cloud}.ts)${cloud === "gcp" ? " or a custom type such as custom-4-16384" : ""}`,
                );
            }
        } else if (prod && (size.vcpu < PROD_FLOOR.vcpu || size.memoryGib < PROD_FLOOR.memoryGib)) {
            r.fail(
                key,
                `found ${r.show(key, pool.instanceType)} (${size.vcpu} vCPU, ${size.memoryGib} GiB); too small for prod, allowed: at least ${PROD_FLOOR.vcpu} vCPU and ${PROD_FLOOR.memoryGib} GiB`,
            );
        }
        if (cloud === "digitalocean") {
            fixDropletDisk(r, pool, (o?.[pool.role] as Record<string, unknown> | undefined)?.diskSizeGb, prod);
        }
        if (prod && zoneCount > 0 && pool.minNodes < zoneCount) {
            r.fail(`nodePools.${pool.role}.minNodes`, `found ${pool.minNodes}; must be at least the number of zones (${zoneCount}) so every zone keeps a node`);
        }
    }
    return pools;
}

/**
 * A DOKS node's disk is the droplet's own: its size slug fixes it. Sets the pool's disk to the
 * catalogue's figure, rejects a configured `diskSizeGb` that differs, and in prod a droplet whose
 * disk is below the production floor.
 */
function fixDropletDisk(r: Reader, pool: NodePoolSpec, given: unknown, prod: boolean): void {
    const droplet = resolveDropletSize(pool.instanceType);
    if (!droplet) {
        return; // unknown slugs are reported with the instanceType above
    }
    const key = `nodePools.${pool.role}`;
    if (given !== undefined && given !== droplet.diskGb) {
        r.fail(
            `${key}.diskSizeGb`,
            `found ${r.show(`${key}.diskSizeGb`, given)}; a DigitalOcean node's disk is fixed by its droplet size (${pool.instanceType}: ${droplet.diskGb} GB), remove diskSizeGb or choose a size with a larger disk`,
        );
    }
    if (prod && droplet.diskGb < PROD_FLOOR.diskGb) {
        r.fail(
            `${key}.instanceType`,
            `found ${r.show(`${key}.instanceType`, pool.instanceType)} with a ${droplet.diskGb} GB disk; too small for prod, allowed: a droplet size with at least ${PROD_FLOOR.diskGb} GB of disk (e.g. gd-4vcpu-16gb)`,
        );
    }
    pool.diskSizeGb = droplet.diskGb;
}

function parseNetwork(r: Reader, value: unknown, prod: boolean, cloud: Cloud | undefined) {
    if (cloud === "existing" && value !== undefined) {
        r.fail("network", "found a network section, but an existing cluster brings its own network and nothing reads it; remove it");
    }
    const o = r.object("network", value) ?? {};
    r.noUnknownKeys("network", o, NETWORK_KEYS);
    const natGateways = r.oneOf("network.natGateways", o.natGateways, ["perZone", "single"] as const) ?? defaultNatGateways(prod ? "prod" : "dev");
    if (prod && natGateways === "single") {
        r.fail("network.natGateways", 'found "single"; production needs a NAT gateway per zone, allowed: perZone');
    }
    return {
        cidr: r.cidr("network.cidr", o.cidr) ?? DEFAULT_NETWORK.cidr,
        podCidr: r.cidr("network.podCidr", o.podCidr) ?? DEFAULT_NETWORK.podCidr,
        serviceCidr: r.cidr("network.serviceCidr", o.serviceCidr) ?? DEFAULT_NETWORK.serviceCidr,
        natGateways,
    };
}

function parseEndpoint(r: Reader, value: unknown, prod: boolean, cloud: Cloud | undefined) {
    if (cloud === "existing" && value !== undefined) {
        r.fail("endpoint", "found an endpoint section, but an existing cluster's API server is not managed here and nothing reads it; remove it");
    }
    const o = r.object("endpoint", value) ?? {};
    r.noUnknownKeys("endpoint", o, ENDPOINT_KEYS);
    const publicAccess = r.boolean("endpoint.publicAccess", o.publicAccess) ?? false;
    const publicAccessCidrs =
        r.stringArray("endpoint.publicAccessCidrs", o.publicAccessCidrs, {
            maxItems: MAX_ITEMS,
            item: (k, v) => r.cidr(k, v) !== undefined,
        }) ?? [];
    if (prod && publicAccess) {
        r.fail("endpoint.publicAccess", "found true; the API server has no public endpoint in prod, allowed: false");
    }
    if (publicAccess && publicAccessCidrs.length === 0 && !r.hasProblem("endpoint.publicAccessCidrs")) {
        r.fail("endpoint.publicAccessCidrs", "found nothing; a public endpoint must be restricted to named CIDRs, e.g. [203.0.113.0/24]");
    }
    // Judged on the union, as the pack does: 0.0.0.0/1 + 128.0.0.0/1 is the whole internet too.
    const verdict = judgePublicCidrs(publicAccessCidrs, DEFAULT_MIN_PUBLIC_PREFIX);
    if (publicAccessCidrs.length > 0 && verdict.open) {
        r.fail(
            "endpoint.publicAccessCidrs",
            `found ${r.show("endpoint.publicAccessCidrs", publicAccessCidrs)}: ${verdict.reason}; the whole internet is not allowed, list your office or VPN ranges (together at most one /${DEFAULT_MIN_PUBLIC_PREFIX} of public addresses)`,
        );
    }
    return { publicAccess, publicAccessCidrs };
}

function parseRetention(r: Reader, value: unknown): RetentionConfig {
    const o = r.object("retention", value) ?? {};
    const keys = Object.keys(DEFAULT_RETENTION) as (keyof RetentionConfig)[];
    r.noUnknownKeys("retention", o, keys);
    const out = { ...DEFAULT_RETENTION };
    for (const k of keys) {
        out[k] = r.integer(`retention.${k}`, o[k], 1, 3650) ?? DEFAULT_RETENTION[k];
    }
    return out;
}

function parseTags(r: Reader, value: unknown): Record<string, string> {
    const o = r.object("tags", value) ?? {};
    if (Object.keys(o).length > MAX_ITEMS) {
        r.fail("tags", `found ${Object.keys(o).length} tags; at most ${MAX_ITEMS} allowed`);
        return {};
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) {
        const s = r.string(`tags.${k}`, v, { maxLength: 256 });
        if (s !== undefined) {
            out[k] = s;
        }
    }
    return out;
}

function parseImage(r: Reader, key: string, value: unknown) {
    const o = r.object(key, value);
    if (o === undefined) {
        r.fail(key, "missing required key; an object with repository and tag (not latest)");
        return { repository: "", tag: "" };
    }
    r.noUnknownKeys(key, o, IMAGE_KEYS);
    const repository =
        o.repository === undefined
            ? r.fail(`${key}.repository`, "missing required key; an image repository such as ghcr.io/acme/jamie")
            : r.string(`${key}.repository`, o.repository, {
                  maxLength: 255,
                  pattern: IMAGE_REPO,
                  describe: "an image repository such as ghcr.io/acme/jamie (no tag)",
              });
    const tag =
        o.tag === undefined
            ? r.fail(`${key}.tag`, "missing required key; a pinned image tag such as 1.4.2")
            : r.string(`${key}.tag`, o.tag, { pattern: IMAGE_TAG, describe: "a pinned image tag such as 1.4.2 (latest is not allowed)" });
    return { repository: repository ?? "", tag: tag ?? "" };
}

function parsePlatform(r: Reader, value: unknown, clusterCidrs: string[]): PlatformConfig {
    const o = r.object("platform", value);
    if (o === undefined) {
        r.fail("platform", "missing required key; an object with domain, acmeEmail, jamie and scarlet");
    }
    const p = o ?? {};
    r.noUnknownKeys("platform", p, PLATFORM_KEYS);
    const domain =
        p.domain === undefined
            ? r.fail("platform.domain", "missing required key; the DNS domain for public hostnames, e.g. agents.example.com")
            : r.string("platform.domain", p.domain, { pattern: DNS_NAME, describe: "a lower-case DNS name such as agents.example.com" });
    const acmeEmail =
        p.acmeEmail === undefined
            ? r.fail("platform.acmeEmail", "missing required key; the contact e-mail for Let's Encrypt")
            : r.string("platform.acmeEmail", p.acmeEmail, { pattern: EMAIL, describe: "an e-mail address" });
    const addonsRaw = r.object("platform.addons", p.addons) ?? {};
    r.noUnknownKeys("platform.addons", addonsRaw, ADDON_KEYS);
    const addon = (k: (typeof ADDON_KEYS)[number]): boolean => r.boolean(`platform.addons.${k}`, addonsRaw[k]) ?? false;
    const addons = {
        argocd: addon("argocd"),
        istio: addon("istio"),
        falco: addon("falco"),
        externalSecrets: addon("externalSecrets"),
        velero: addon("velero"),
    };
    const chartMirror = parseChartMirror(r, p.chartMirror, addons);
    const agentEgressCidrs = parseAgentEgress(r, p.agentEgressCidrs, clusterCidrs);
    return {
        domain: domain ?? "",
        acmeEmail: acmeEmail ?? "",
        issuer: r.oneOf("platform.issuer", p.issuer, ISSUERS) ?? "letsencrypt-prod",
        jamie: parseImage(r, "platform.jamie", p.jamie),
        scarlet: parseImage(r, "platform.scarlet", p.scarlet),
        addons,
        thirdPartyCharts: r.boolean("platform.thirdPartyCharts", p.thirdPartyCharts) ?? true,
        ...(chartMirror === undefined ? {} : { chartMirror }),
        agentEgressCidrs: agentEgressCidrs ?? [...DEFAULT_AGENT_EGRESS_CIDRS],
        clusterCidrs,
    };
}

/**
 * `platform.agentEgressCidrs`: canonical IPv4 CIDRs, at least one, no duplicates, none inside the
 * metadata, private, shared, loopback or the cluster's own ranges (those are excepted from every
 * destination that contains them, so a destination inside one would allow nothing).
 */
function parseAgentEgress(r: Reader, value: unknown, clusterCidrs: string[]): string[] | undefined {
    const key = "platform.agentEgressCidrs";
    const list = r.stringArray(key, value, { minItems: 1, item: (k, v) => r.cidr(k, v) !== undefined });
    if (!list) {
        return undefined;
    }
    let ok = true;
    list.forEach((c, i) => {
        if (list.indexOf(c) !== i) {
            r.fail(`${key}[${i}]`, `found ${JSON.stringify(c)} twice; list each destination once`);
            ok = false;
            return;
        }
        const why = egressDestinationDefect(c, clusterCidrs);
        if (why) {
            r.fail(`${key}[${i}]`, `found ${JSON.stringify(c)}; ${why}. Allowed: public IPv4 ranges (e.g. 140.82.112.0/20) or 0.0.0.0/0`);
            ok = false;
        }
    });
    return ok ? list : undefined;
}

/**
 * `platform.chartMirror`: a folder must exist and hold the archive of every third-party chart this
 * configuration installs (each missing file is named, with the `helm pull` that writes it); an
 * OCI prefix or HTTP(S) repository is taken as given (it is reached at deploy time).
 */
function parseChartMirror(r: Reader, value: unknown, addons: OptionalAddons): string | undefined {
    if (r.isSecret("platform.chartMirror")) {
        r.fail(
            "platform.chartMirror",
            "found a secret value; a chart mirror's location is not a secret: set it as a plain value (a folder, an oci:// prefix or an https:// repository; registry credentials belong in Helm's registry login, not here)",
        );
        return undefined;
    }
    const mirror = r.string("platform.chartMirror", value);
    if (mirror === undefined || chartMirrorKind(mirror) !== "folder") {
        return mirror;
    }
    const folder = resolveMirrorFolder(mirror);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
        r.fail(
            "platform.chartMirror",
            `found ${r.show("platform.chartMirror", mirror)}, which is not a folder (resolved to ${folder}); a folder of helm pull archives, an oci:// prefix or an https:// chart repository`,
        );
        return mirror;
    }
    for (const m of missingFromMirror(folder, addons)) {
        r.fail(
            "platform.chartMirror",
            `${folder} has no ${path.basename(m.file)} (chart ${m.key}); \`helm ${helmPullCommand(m.key).join(" ")}\` writes it, or run npm run charts:mirror -- ${mirror}`,
        );
    }
    return mirror;
}

function parseExisting(r: Reader, value: unknown) {
    const o = r.object("existing", value);
    if (o === undefined) {
        r.fail("existing", "missing required key for cloud existing; an object with kubeconfig or kubeconfigPath, and storageClass");
    }
    const e = o ?? {};
    r.noUnknownKeys("existing", e, EXISTING_KEYS);
    // The kubeconfig itself must be secret, whatever else in `existing` is.
    const kubeconfig = r.string("existing.kubeconfig", e.kubeconfig, { secret: true, maxLength: MAX_KUBECONFIG_LENGTH });
    if (kubeconfig !== undefined && !r.isSecret("existing.kubeconfig")) {
        r.fail(
            "existing.kubeconfig",
            "found a plain value; a kubeconfig holds credentials, set it with `pulumi config set --secret --path existing.kubeconfig`",
        );
    }
    const kubeconfigPath = r.string("existing.kubeconfigPath", e.kubeconfigPath);
    if (kubeconfig === undefined && kubeconfigPath === undefined && e.kubeconfig === undefined && e.kubeconfigPath === undefined) {
        r.fail("existing.kubeconfig", "missing; set existing.kubeconfig (secret) or existing.kubeconfigPath");
    }
    if (e.kubeconfig !== undefined && e.kubeconfigPath !== undefined) {
        r.fail("existing.kubeconfigPath", "found both kubeconfig and kubeconfigPath; set only one");
    }
    const storageClass =
        e.storageClass === undefined
            ? r.fail("existing.storageClass", "missing required key; the name of an encrypted SSD StorageClass on the cluster")
            : r.string("existing.storageClass", e.storageClass, {
                  pattern: DNS_SUBDOMAIN,
                  describe: "a StorageClass name (lower-case letters, digits, '-' and '.')",
              });
    let objectStore;
    const s = r.object("existing.objectStore", e.objectStore);
    if (s) {
        r.noUnknownKeys("existing.objectStore", s, STORE_KEYS);
        const need = (k: (typeof STORE_KEYS)[number], secret = false): string =>
            (s[k] === undefined ? r.fail(`existing.objectStore.${k}`, "missing required key") : r.string(`existing.objectStore.${k}`, s[k], { secret })) ?? "";
        const endpoint = need("endpoint");
        if (endpoint && !/^https:\/\/[^\s/]+/.test(endpoint)) {
            r.fail(
                "existing.objectStore.endpoint",
                `found ${r.show("existing.objectStore.endpoint", endpoint)}; must be an https:// URL (backups travel over TLS)`,
            );
        }
        objectStore = {
            endpoint,
            bucket: need("bucket"),
            region: need("region"),
            accessKeyId: need("accessKeyId", true),
            secretAccessKey: need("secretAccessKey", true),
        };
        if (s.secretAccessKey !== undefined && !r.isSecret("existing.objectStore.secretAccessKey")) {
            r.fail(
                "existing.objectStore.secretAccessKey",
                "found a plain value; set it with `pulumi config set --secret --path existing.objectStore.secretAccessKey`",
            );
        }
    }
    return {
        kubeconfig,
        kubeconfigPath,
        context: r.string("existing.context", e.context),
        storageClass: storageClass ?? "",
        objectStore,
        maxNodes: r.integer("existing.maxNodes", e.maxNodes, 1, EXISTING_MAX_NODES_LIMIT),
        renderYamlToDirectory: r.string("existing.renderYamlToDirectory", e.renderYamlToDirectory),
    };
}
