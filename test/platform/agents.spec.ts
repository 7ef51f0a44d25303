import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Agents, JAMIE_SECRET, SCARLET_SECRET } from "../../components/platform/agents";
import { namespaceQuotas } from "../../components/platform/budgets";
import { CHARTS } from "../../components/platform/charts";
import { Foundation } from "../../components/platform/foundation";
import { ComponentName, FLOWS, LAYOUT } from "../../components/platform/layout";
import { runWithMocks, RunResult } from "../../preview/harness";
import { fakeTarget } from "./fakeTarget";
import { at, leakedSecrets, meta, ofType, one, thirdPartyChartsSwitched } from "./helpers";

const CHART = "kubernetes:helm.sh/v4:Chart";
const SECRET = "kubernetes:core/v1:Secret";
const MONGO = "mongodb://jamie:Mongo-Pa55word-x1@mongodb-svc.data-mongodb.svc.cluster.local:27017/jamie?tls=true&replicaSet=mongodb";
const REDIS = "rediss://:Redis-Pa55word-x2@redis.data-redis.svc.cluster.local:6379";
const PG = "postgresql://scarlet:Pg-Pa55word-x3@postgres-rw.data-postgres.svc.cluster.local:5432/scarlet?sslmode=verify-full";

async function build(opts: { environment?: "prod" | "dev"; thirdPartyCharts?: boolean; zones?: string[] } = {}): Promise<RunResult> {
    return thirdPartyChartsSwitched(opts.thirdPartyCharts, () =>
        runWithMocks(() => {
            const { target } = fakeTarget({ zones: opts.zones });
            const env = opts.environment ?? "prod";
            const quotas = namespaceQuotas(env);
            const comps: ComponentName[] = ["jamie", "scarlet", "ollama"];
            const f = new Foundation(
                "t",
                {
                    target,
                    namespaces: comps.map((c) => ({
                        component: c,
                        layout: LAYOUT[c],
                        quota: quotas[c],
                        cloudIdentity: c === "ollama" ? undefined : ("none" as const),
                    })),
                    flows: FLOWS,
                },
                { provider: target.provider },
            );
            new Agents(
                "t-agents",
                {
                    target,
                    environment: env,
                    namespaces: { jamie: f.namespaces.jamie, scarlet: f.namespaces.scarlet, ollama: f.namespaces.ollama },
                    jamie: { repository: "ghcr.io/example/jamie", tag: "1.4.2" },
                    scarlet: { repository: "ghcr.io/example/scarlet", tag: "2.1.0" },
                    connections: { mongodbUri: pulumi.secret(MONGO), redisUrl: pulumi.secret(REDIS), postgresUri: pulumi.secret(PG) },
                    otlpEndpoint: "http://tempo.monitoring.svc.cluster.local:4318",
                    conversationDays: 365,
                },
                { provider: target.provider },
            );
            return {};
        }),
    );
}

describe("platform agents", function () {
    let run: RunResult;
    before(async () => {
        run = await build();
    });

    it("installs Jamie and Scarlet from their local charts as v4 Charts with the image from stack config", () => {
        const jamie = one(run, CHART, "t-agents-jamie");
        assert.strictEqual(jamie.inputs.chart, "./charts/jamie");
        assert.strictEqual(jamie.inputs.version, undefined);
        assert.strictEqual(jamie.inputs.namespace, "jamie");
        assert.deepStrictEqual((jamie.inputs.values as any).image, { repository: "ghcr.io/example/jamie", tag: "1.4.2" });
        const scarlet = one(run, CHART, "t-agents-scarlet");
        assert.strictEqual(scarlet.inputs.chart, "./charts/scarlet");
        assert.deepStrictEqual((scarlet.inputs.values as any).image, { repository: "ghcr.io/example/scarlet", tag: "2.1.0" });
    });

    it("sizes the agents from the per-workload budgets with an HPA at 70 % CPU, a PDB and zone spread", () => {
        const j = one(run, CHART, "t-agents-jamie").inputs.values as any;
        assert.deepStrictEqual(j.resources, {
            requests: { cpu: "1", memory: "4Gi", "ephemeral-storage": "1Gi" },
            limits: { cpu: "2", memory: "8Gi", "ephemeral-storage": "2Gi" },
        });
        assert.strictEqual(j.replicaCount, 3);
        assert.deepStrictEqual(j.autoscaling, {
            enabled: true,
            minReplicas: 3,
            maxReplicas: 9,
            targetCPUUtilizationPercentage: 70,
            targetMemoryUtilizationPercentage: 80,
        });
        assert.deepStrictEqual(j.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
        assert.deepStrictEqual(j.topologySpread, { enabled: true, zoneWhenUnsatisfiable: "DoNotSchedule" });
        assert.deepStrictEqual(j.ports, { portal: 3000, api: 8000, health: 9000 });
        assert.deepStrictEqual(j.serviceMonitor, { enabled: true, path: "/metrics", interval: "30s", labels: {} });
        const s = one(run, CHART, "t-agents-scarlet").inputs.values as any;
        assert.deepStrictEqual(s.resources, {
            requests: { cpu: "2", memory: "8Gi", "ephemeral-storage": "1Gi" },
            limits: { cpu: "4", memory: "16Gi", "ephemeral-storage": "2Gi" },
        });
        assert.strictEqual(s.autoscaling.targetCPUUtilizationPercentage, 70);
        // The storage budgets (REQUIREMENTS.md: Jamie 50 GB, Scarlet 100 GB): a per-pod volume on the SSD class.
        assert.deepStrictEqual(j.workspace, { size: "50Gi", storageClass: "encrypted-ssd", mountPath: "/workspace" });
        assert.deepStrictEqual(s.workspace, { size: "100Gi", storageClass: "encrypted-ssd", mountPath: "/workspace" });
        assert.deepStrictEqual(s.ports, { api: 8001, metrics: 9001, health: 8080 });
        assert.deepStrictEqual(s.serviceMonitor, { enabled: true, interval: "30s", labels: {} });
    });

    it("prefers the agents pool and tolerates its taint, so a single dev pool still schedules them", () => {
        const j = one(run, CHART, "t-agents-jamie").inputs.values as any;
        assert.deepStrictEqual(j.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, [
            { weight: 100, preference: { matchExpressions: [{ key: "platform.agents.io/role", operator: "In", values: ["agents"] }] } },
        ]);
        assert.strictEqual(j.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, undefined);
        assert.deepStrictEqual(j.tolerations, [
            { key: "platform.agents.io/dedicated", operator: "Equal", value: "agents", effect: "NoSchedule" },
            // stateless and HPA-scaled: EKS Auto Mode's burst nodes accept them
            { key: "platform.agents.io/burst", operator: "Equal", value: "true", effect: "NoSchedule" },
        ]);
    });

    it("wires Jamie to MongoDB, Redis and Ollama and Scarlet to PostgreSQL through Secrets, never through values", () => {
        const js = one(run, SECRET, "t-agents-jamie-connections");
        assert.deepStrictEqual(meta(js), { name: JAMIE_SECRET, namespace: "jamie", labels: { "app.kubernetes.io/name": "jamie" } });
        assert.deepStrictEqual(js.inputs.stringData, { mongodbUri: MONGO, redisUrl: REDIS });
        assert.deepStrictEqual(js.redactedInputs.stringData, "[secret]");
        const ss = one(run, SECRET, "t-agents-scarlet-connections");
        assert.strictEqual(meta(ss).name, SCARLET_SECRET);
        assert.deepStrictEqual(ss.inputs.stringData, { postgresUri: PG });
        assert.deepStrictEqual(ss.redactedInputs.stringData, "[secret]");
        const j = one(run, CHART, "t-agents-jamie").inputs.values as any;
        assert.deepStrictEqual(j.connections, { secretName: JAMIE_SECRET, mongodbUriKey: "mongodbUri", redisUrlKey: "redisUrl" });
        assert.strictEqual(j.ollamaUrl, "http://ollama.ollama.svc.cluster.local:11434");
        assert.strictEqual(j.otlpEndpoint, "http://tempo.monitoring.svc.cluster.local:4318");
        for (const c of ofType(run, CHART)) {
            const text = JSON.stringify(c.inputs.values);
            for (const secret of ["Mongo-Pa55word-x1", "Redis-Pa55word-x2", "Pg-Pa55word-x3"]) {
                assert.ok(!text.includes(secret), `${c.name}'s values carry a connection secret`);
            }
        }
        assert.deepStrictEqual(leakedSecrets(run), []);
    });

    it("gives Jamie a certificate from the private CA and mounts its CA to verify the data stores' TLS", () => {
        const cert = one(run, "kubernetes:cert-manager.io/v1:Certificate", "t-agents-jamie-internal-tls");
        assert.deepStrictEqual(meta(cert), { name: "jamie-internal-tls", namespace: "jamie" });
        assert.deepStrictEqual(at(cert.inputs, "spec.issuerRef"), { group: "cert-manager.io", kind: "ClusterIssuer", name: "private-ca" });
        assert.deepStrictEqual(at(cert.inputs, "spec.dnsNames"), ["jamie.jamie.svc.cluster.local"]);
        assert.deepStrictEqual((one(run, CHART, "t-agents-jamie").inputs.values as any).trust, { secretName: "jamie-internal-tls", caKey: "ca.crt" });
    });

    it("runs the agents as their Foundation service accounts", () => {
        assert.deepStrictEqual((one(run, CHART, "t-agents-jamie").inputs.values as any).serviceAccount, { create: false, name: "jamie" });
        assert.deepStrictEqual((one(run, CHART, "t-agents-scarlet").inputs.values as any).serviceAccount, { create: false, name: "scarlet" });
        assert.deepStrictEqual((one(run, CHART, "t-agents-ollama").inputs.values as any).serviceAccount, { create: false, name: "ollama", automount: false });
    });

    it("installs Ollama pinned, non-root with a read-only root, its models on a retained and protected SSD volume", () => {
        const o = one(run, CHART, "t-agents-ollama");
        assert.strictEqual(o.inputs.chart, "ollama");
        assert.deepStrictEqual(o.inputs.repositoryOpts, { repo: "https://helm.otwld.com/" });
        assert.strictEqual(o.inputs.version, CHARTS.ollama.version);
        const v = o.inputs.values as any;
        assert.deepStrictEqual(v.persistentVolume, { enabled: true, existingClaim: "ollama-models", storageClass: "encrypted-ssd", size: "100Gi" });
        assert.deepStrictEqual(v.securityContext.capabilities, { drop: ["ALL"] });
        assert.strictEqual(v.securityContext.readOnlyRootFilesystem, true);
        assert.strictEqual(v.podSecurityContext.runAsNonRoot, true);
        assert.deepStrictEqual(v.podSecurityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.deepStrictEqual(v.resources, { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "16Gi" } });
        const pvc = one(run, "kubernetes:core/v1:PersistentVolumeClaim", "t-agents-ollama-models");
        assert.deepStrictEqual(pvc.inputs.spec, {
            accessModes: ["ReadWriteOnce"],
            storageClassName: "encrypted-ssd",
            resources: { requests: { storage: "100Gi" } },
        });
        assert.strictEqual(pvc.opts.retainOnDelete, true);
        assert.strictEqual(pvc.opts.protect, true);
    });

    it("dev: one replica, small requests, a 30 Gi model volume; one zone spreads softly", async () => {
        const dev = await build({ environment: "dev", zones: ["zone-a"] });
        const j = one(dev, CHART, "t-agents-jamie").inputs.values as any;
        assert.strictEqual(j.replicaCount, 1);
        assert.deepStrictEqual(j.resources, {
            requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "1Gi" },
            limits: { cpu: "1", memory: "2Gi", "ephemeral-storage": "2Gi" },
        });
        assert.deepStrictEqual(j.workspace, { size: "10Gi", storageClass: "encrypted-ssd", mountPath: "/workspace" });
        assert.strictEqual(j.topologySpread.zoneWhenUnsatisfiable, "ScheduleAnyway");
        assert.strictEqual(
            at(one(dev, "kubernetes:core/v1:PersistentVolumeClaim", "t-agents-ollama-models").inputs, "spec.resources.requests.storage"),
            "30Gi",
        );
    });

    it("third-party charts off: the local charts still install, Ollama's does not", async () => {
        const off = await build({ thirdPartyCharts: false });
        assert.deepStrictEqual(
            ofType(off, CHART)
                .map((c) => c.name)
                .sort(),
            ["t-agents-jamie", "t-agents-scarlet"],
        );
    });
});
