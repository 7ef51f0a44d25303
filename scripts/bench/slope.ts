/**
 * Steady-state cost per mocked resource: `node -r ./scripts/register.js scripts/bench/slope.ts
 * [--sizes 200,500,1000,2000] [--runs 3]` prints one JSON document. Start-up (loading the SDKs,
 * the harness, the first run's JIT warm-up) is paid before any timing; then a synthetic program
 * of N resources runs under the harness's mocks (preview/harness.ts `runWithMocks`, exactly what
 * the offline preview and the tests use), N growing, and the least-squares slope of time against N
 * is the milliseconds per resource. The program is shaped like the platform's: per group of 10, a
 * component with an AWS subnet, IAM role and KMS key, Kubernetes Namespace, ConfigMap, a Secret
 * with a secret value, a Deployment depending on them, a Service, and a random password, wired
 * by outputs and apply().
 */
import * as pulumi from "@pulumi/pulumi";
import { Role } from "@pulumi/aws/iam/role";
import { Key } from "@pulumi/aws/kms/key";
import { Subnet } from "@pulumi/aws/ec2/subnet";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { Service } from "@pulumi/kubernetes/core/v1/service";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { runWithMocks } from "../../preview/harness";

/** Resources per group: the component itself and the nine resources under it. */
export const GROUP = 10;

class Group extends pulumi.ComponentResource {
    constructor(name: string, i: number) {
        super("bench:index:Group", name, {}, {});
        const opts = { parent: this };
        const subnet = new Subnet(
            `${name}-subnet`,
            { vpcId: "vpc-1", cidrBlock: `10.${i % 250}.0.0/24`, availabilityZone: "eu-west-1a", tags: { group: name } },
            opts,
        );
        const role = new Role(`${name}-role`, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }, opts);
        const key = new Key(`${name}-key`, { enableKeyRotation: true, description: pulumi.interpolate`key for ${role.arn}` }, opts);
        const ns = new Namespace(`${name}-ns`, { metadata: { name: `ns-${i}`, labels: { subnet: subnet.id } } }, opts);
        const password = new RandomPassword(`${name}-password`, { length: 24 }, opts);
        const cm = new ConfigMap(`${name}-cm`, { metadata: { namespace: ns.metadata.name }, data: { KEY_ARN: key.arn, LEVEL: "info" } }, opts);
        const secret = new Secret(`${name}-secret`, { metadata: { namespace: ns.metadata.name }, stringData: { password: password.result } }, opts);
        const labels = { app: `app-${i}` };
        new Deployment(
            `${name}-app`,
            {
                metadata: { namespace: ns.metadata.name },
                spec: {
                    replicas: 3,
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            containers: [
                                {
                                    name: "app",
                                    image: "ghcr.io/example/app:1.0.0",
                                    envFrom: [{ configMapRef: { name: cm.metadata.name } }, { secretRef: { name: secret.metadata.name } }],
                                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                                },
                            ],
                        },
                    },
                },
            },
            { ...opts, dependsOn: [cm, secret] },
        );
        new Service(`${name}-svc`, { metadata: { namespace: ns.metadata.name }, spec: { selector: labels, ports: [{ port: 80 }] } }, opts);
        this.registerOutputs({});
    }
}

/** Runs a synthetic program of `n` resources (a multiple of GROUP) under the mocks; returns ms and CPU ms. */
export async function timeRun(n: number): Promise<{ n: number; ms: number; cpuMs: number; registered: number }> {
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    const run = await runWithMocks(() => {
        for (let i = 0; i < n / GROUP; i++) {
            new Group(`g${i}`, i);
        }
        return {};
    });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const used = process.cpuUsage(cpu);
    return { n, ms, cpuMs: (used.user + used.system) / 1000, registered: run.resources.length };
}

/** Least-squares slope and intercept of y against x. */
export function fit(xs: number[], ys: number[]): { slope: number; intercept: number } {
    const n = xs.length;
    const mx = xs.reduce((a, b) => a + b, 0) / n;
    const my = ys.reduce((a, b) => a + b, 0) / n;
    const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const slope = sxy / sxx;
    return { slope, intercept: my - slope * mx };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const arg = (name: string, def: string): string => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : def);
    const sizes = arg("--sizes", "200,500,1000,2000").split(",").map(Number);
    const runs = Number(arg("--runs", "3"));
    await timeRun(sizes[0]); // start-up and JIT warm-up, not timed
    const rows: { n: number; ms: number; cpuMs: number }[] = [];
    // Sizes in rounds (small to large, again), so that drifting load spreads over every size.
    const samples = new Map<number, { ms: number[]; cpu: number[] }>(sizes.map((n) => [n, { ms: [], cpu: [] }]));
    for (let r = 0; r < runs; r++) {
        for (const n of sizes) {
            const s = await timeRun(n);
            // The harness also records the stack resource (pulumi:pulumi:Stack).
            if (s.registered !== n + 1) {
                throw new Error(`synthetic program of ${n} resources registered ${s.registered - 1}`);
            }
            samples.get(n)!.ms.push(s.ms);
            samples.get(n)!.cpu.push(s.cpuMs);
        }
    }
    for (const n of sizes) {
        rows.push({ n, ms: median(samples.get(n)!.ms), cpuMs: median(samples.get(n)!.cpu) });
    }
    const wall = fit(
        rows.map((r) => r.n),
        rows.map((r) => r.ms),
    );
    const cpu = fit(
        rows.map((r) => r.n),
        rows.map((r) => r.cpuMs),
    );
    process.stdout.write(`${JSON.stringify({ rows, slopeMs: wall.slope, interceptMs: wall.intercept, cpuSlopeMs: cpu.slope })}\n`);
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exitCode = 1;
    });
}
