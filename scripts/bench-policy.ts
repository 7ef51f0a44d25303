/**
 * The policy pack's throughput: runs every policy in-process (policy/runner.ts, as the offline
 * preview does) over synthetic stacks of 1,000 and 10,000 resources shaped like the platform's
 * (clusters, node groups with launch templates and subnets, workloads, Secrets, storage classes,
 * network policies), and prints resources per second and the ratio between the two sizes.
 * `npm run bench` calls `benchPolicies()`; run alone: `node -r ./scripts/register.js scripts/bench-policy.ts`.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../policy/policies";
import { ResourceRecord, runPolicies } from "../policy/runner";

type Spec = { type: string; name: string; inputs: Record<string, unknown>; deps?: string[]; protect?: boolean };

function group(i: number): Spec[] {
    const c = `c${i}`;
    const sc = {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
    const container = (n: string) => ({
        name: n,
        image: "ghcr.io/example/app:1.0.0",
        securityContext: sc,
        resources: { requests: { cpu: "10m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        livenessProbe: { tcpSocket: { port: 80 } },
        readinessProbe: { tcpSocket: { port: 80 } },
    });
    // One cluster (like a stack): group 0 declares it and its CNI add-on; every group adds a node group to it.
    const cluster: Spec[] =
        i === 0
            ? [
                  {
                      type: "aws:eks/cluster:Cluster",
                      name: `${c}-eks`,
                      inputs: {
                          name: c,
                          enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                          encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:k" } },
                          vpcConfig: { endpointPublicAccess: false },
                      },
                  },
                  {
                      type: "aws:eks/addon:Addon",
                      name: `${c}-cni`,
                      inputs: { clusterName: c, addonName: "vpc-cni", configurationValues: '{"enableNetworkPolicy":"true"}' },
                  },
              ]
            : [];
    return [
        ...cluster,
        { type: "aws:ec2/subnet:Subnet", name: `${c}-a`, inputs: { availabilityZone: "eu-west-1a" } },
        { type: "aws:ec2/subnet:Subnet", name: `${c}-b`, inputs: { availabilityZone: "eu-west-1b" } },
        { type: "aws:ec2/subnet:Subnet", name: `${c}-c`, inputs: { availabilityZone: "eu-west-1c" } },
        {
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            name: `${c}-lt`,
            inputs: { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true" } }] },
        },
        {
            type: "aws:eks/nodeGroup:NodeGroup",
            name: `${c}-ng`,
            inputs: { clusterName: "c0", instanceTypes: ["m6i.xlarge"], launchTemplate: { id: "lt" }, scalingConfig: { minSize: 3, maxSize: 6 } },
            deps: ["c0-eks", `${c}-lt`, `${c}-a`, `${c}-b`, `${c}-c`],
        },
        { type: "aws:kms/key:Key", name: `${c}-key`, inputs: { enableKeyRotation: true }, protect: true },
        { type: "kubernetes:core/v1:Namespace", name: `${c}-ns`, inputs: { metadata: { name: `ns${i}` } } },
        {
            type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            name: `${c}-np`,
            inputs: { metadata: { name: "deny", namespace: `ns${i}` }, spec: { podSelector: {} } },
        },
        {
            type: "kubernetes:apps/v1:Deployment",
            name: `${c}-dep`,
            inputs: {
                metadata: { name: "app", namespace: `ns${i}` },
                spec: {
                    replicas: 3,
                    template: { spec: { securityContext: { runAsNonRoot: true }, initContainers: [container("init")], containers: [container("app")] } },
                },
            },
        },
        { type: "kubernetes:core/v1:ConfigMap", name: `${c}-cm`, inputs: { metadata: { name: "cfg", namespace: `ns${i}` }, data: { LOG_LEVEL: "info" } } },
        {
            type: "kubernetes:storage.k8s.io/v1:StorageClass",
            name: `${c}-sc`,
            inputs: { provisioner: "ebs.csi.aws.com", parameters: { encrypted: "true", kmsKeyId: "arn:k" }, reclaimPolicy: "Retain" },
        },
        {
            type: "kubernetes:core/v1:Service",
            name: `${c}-svc`,
            inputs: { metadata: { name: "app", namespace: `ns${i}` }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } },
        },
        {
            type: "kubernetes:policy/v1:PodDisruptionBudget",
            name: `${c}-pdb`,
            inputs: { metadata: { name: "app", namespace: `ns${i}` }, spec: { maxUnavailable: 1 } },
        },
        { type: "aws:iam/role:Role", name: `${c}-role`, inputs: { assumeRolePolicy: "{}" } },
        { type: "kubernetes:core/v1:ServiceAccount", name: `${c}-sa`, inputs: { metadata: { name: "app", namespace: `ns${i}` } } },
        { type: "aws:s3/bucket:Bucket", name: `${c}-bucket`, inputs: {}, protect: true },
        {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: `${c}-sse`,
            inputs: { bucket: `${c}-bucket`, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] },
            deps: [`${c}-bucket`],
        },
        {
            type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            name: `${c}-replication`,
            inputs: {
                rules: [
                    {
                        status: "Enabled",
                        destination: { bucket: "arn:aws:s3:::dr", encryptionConfiguration: { replicaKmsKeyId: "arn:k-dr" } },
                        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                    },
                ],
            },
            deps: [`${c}-bucket`],
        },
        { type: "kubernetes:core/v1:Secret", name: `${c}-secret`, inputs: { metadata: { name: "tls", namespace: `ns${i}` }, type: "kubernetes.io/tls" } },
    ];
}

/** A synthetic stack of exactly `n` resource records. */
export function syntheticStack(n: number): ResourceRecord[] {
    const specs: Spec[] = [];
    for (let i = 0; specs.length < n; i++) {
        specs.push(...group(i));
    }
    specs.length = n;
    const urn = (s: Spec) => `urn:pulumi:bench::agent-platform::${s.type}::${s.name}`;
    const byName = new Map(specs.map((s) => [s.name, s]));
    return specs.map((s) => ({
        type: s.type,
        name: s.name,
        urn: urn(s),
        custom: true,
        inputs: s.inputs,
        opts: {
            protect: s.protect ?? false,
            retainOnDelete: false,
            ignoreChanges: [],
            additionalSecretOutputs: [],
            dependsOn: (s.deps ?? []).filter((d) => byName.has(d)).map((d) => urn(byName.get(d)!)),
        },
    }));
}

/** Resources per second of the whole pack on `n` resources (best of `runs`). */
export async function throughput(n: number, runs = 3): Promise<{ n: number; ms: number; perSecond: number; violations: number }> {
    const stack = syntheticStack(n);
    let best = Infinity;
    let violations = 0;
    for (let i = 0; i < runs; i++) {
        const copy = stack.map((r) => ({ ...r }));
        const t = process.hrtime.bigint();
        violations = (await runPolicies(policies, copy, {})).length;
        best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
    }
    return { n, ms: best, perSecond: (n / best) * 1000, violations };
}

const PACK = path.join(__dirname, "..", "policy");

/** Bundles policy/ into policy/bin/index.js (what `npm run build:policy` does: scripts/build-policy.js). */
export function buildPack(): void {
    execFileSync(process.execPath, [path.join(__dirname, "build-policy.js")], { stdio: "inherit" });
}

/**
 * Starts the pack the way the engine does (`run-policy-pack <engine-address> <dir>`, cwd the pack
 * directory) and resolves once it prints its gRPC port, with the start time in ms.
 */
export async function startPack(dir = PACK): Promise<{ proc: ChildProcess; port: number; startMs: number }> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    const started = Date.now();
    const proc = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    proc.stderr!.on("data", (d) => (err += String(d)));
    const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        proc.stdout!.on("data", (d) => {
            out += String(d);
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) {
                resolve(Number(m[1]));
            }
        });
        proc.on("exit", (code) => reject(new Error(`policy pack exited ${code}: ${err}`)));
    });
    return { proc, port, startMs: Date.now() - started };
}

/**
 * The runner alone: a pack directory whose main only prints a port, started the same way. What
 * run-policy-pack itself costs (it loads TypeScript and ts-node and opens an inspector session
 * whatever the pack) is the floor of any pack's start.
 */
function emptyPackDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-empty-pack-"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "empty-pack", version: "0.0.0", main: "index.js" }));
    fs.writeFileSync(path.join(dir, "index.js"), "console.log(12345);\nsetInterval(() => undefined, 1000);\n");
    return dir;
}

/** Median start time over `runs` starts of the bundled pack (or of the runner alone, `empty`). */
export async function packStartMs(runs = 3, empty = false): Promise<number> {
    if (!empty && !fs.existsSync(path.join(PACK, "bin", "index.js"))) {
        buildPack();
    }
    const dir = empty ? emptyPackDir() : PACK;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const s = await startPack(dir);
        times.push(s.startMs);
        s.proc.kill();
        await new Promise((r) => s.proc.once("exit", r));
    }
    if (empty) {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** The markdown lines `npm run bench` prints and records. */
export async function benchPolicies(): Promise<string[]> {
    await throughput(500, 1); // warm up the JIT
    const sizes = [await throughput(1000), await throughput(5000), await throughput(10000)];
    const ratio = sizes[2].ms / sizes[0].ms;
    // Alternate the runner alone and the pack, so that load drift hits both alike.
    const runner: number[] = [];
    const pack: number[] = [];
    for (let i = 0; i < 3; i++) {
        runner.push(await packStartMs(1, true));
        pack.push(await packStartMs(1));
    }
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return [
        "### Policy pack (in-process, every policy, best of 3; then the analyzer's start)",
        "",
        "| resources | ms | resources/s | violations |",
        "|---:|---:|---:|---:|",
        ...sizes.map((x) => `| ${x.n} | ${x.ms.toFixed(1)} | ${Math.round(x.perSecond)} | ${x.violations} |`),
        "",
        `Time ratio 10,000 / 1,000: ${ratio.toFixed(2)} (10.00 is linear); goal >= 20,000 resources/s.`,
        "",
        `Analyzer start (run-policy-pack until the gRPC port is printed, median of 3, alternated): pack ${med(pack)} ms; the runner alone (a pack that only prints a port) ${med(runner)} ms; the pack's own share ${med(pack) - med(runner)} ms. Goal <= 1,000 ms.`,
    ];
}

if (require.main === module) {
    benchPolicies().then(
        (l) => console.log(l.join("\n")),
        (e) => {
            console.error(e);
            process.exitCode = 1;
        },
    );
}
