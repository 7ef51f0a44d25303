/**
 * The observability charts (kube-prometheus-stack, Loki, Tempo, Alloy) rendered by Helm from the
 * chart mirror with the exact values each shipped stack's program passes, and the policy pack run
 * over the rendered objects with that stack's policy config (test/support/charts.ts). Also an
 * existing cluster with an S3-compatible object store (docs/clouds.md, "Existing cluster").
 * Every stack is rendered once (renderStack is memoised; other specs share the runs).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { TOOL_PREFIXES, toolFolder } from "../../../components/retention";
import type { KubeObject } from "../../../preview/helm";
import { PROJECT_ROOT } from "../../../preview/stackFile";
import { chartObjects, renderedObject, renderStack, type RenderedStack } from "../../support/charts";

/** Every shipped stack file (stacks/Pulumi.<stack>.yaml). */
const SHIPPED = fs
    .readdirSync(path.join(PROJECT_ROOT, "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();

/** The `local` stack turned into a production existing cluster with an S3-compatible store. */
const EXISTING_S3_COMPATIBLE = {
    environment: "prod",
    protectStateful: true,
    zones: ["zone-a", "zone-b", "zone-c"],
    "existing.objectStore": {
        endpoint: "https://s3.storage.example.net",
        bucket: "agents-backups",
        region: "us-east-1",
        accessKeyId: "AKIAEXAMPLE",
        secretAccessKey: { secure: "v1:AAAA" },
    },
};

const CASES: { label: string; stack: string; overrides?: Record<string, unknown> }[] = [
    ...SHIPPED.map((stack) => ({ label: stack, stack })),
    { label: "existing cluster with an S3-compatible store", stack: "local", overrides: EXISTING_S3_COMPATIBLE },
];

/** The observability charts' resource names end with these (components/platform/observability). */
const CHARTS = ["-observability-stack", "-observability-loki", "-observability-tempo", "-observability-alloy"];

/**
 * Singletons by design that the replica rule flags: Grafana (sessions in its local database), the
 * Prometheus Operator and kube-state-metrics (one active instance each; a second duplicates every
 * series) and monolithic Tempo (the tempo chart runs all of Tempo in one pod; tempo-distributed is
 * the scale-out path, docs/observability.md). They are exempted by name in the rule's configuration
 * (policy/config, docs/policies.md), not by these values; any other violation fails this test.
 */
const SINGLETONS = ["monitoring/grafana", "monitoring/monitoring-kube-state-metrics", "monitoring/monitoring-operator", "monitoring/tempo"];

function render(c: (typeof CASES)[number]): Promise<RenderedStack> {
    return renderStack(c.stack, c.overrides ?? {});
}

/** The ConfigMap's file `key`, parsed. */
function configFile(objects: KubeObject[], name: string, key: string): any {
    const cm = renderedObject(objects, "ConfigMap", name) as KubeObject & { data: Record<string, string> };
    assert.ok(cm.data[key], `ConfigMap ${name} has ${key}`);
    return YAML.parse(cm.data[key]);
}

/** Whether the stack's cluster has an object store (the program's `backupBucket` output). */
function hasStore(rs: RenderedStack): boolean {
    return rs.run.outputs.backupBucket !== undefined;
}

describe("platform observability: charts rendered with the program's values", function () {
    this.timeout(600_000);

    it("covers every shipped stack", () => {
        for (const s of ["aws-prod", "gcp-prod", "azure-prod", "aws-dev", "local"]) {
            assert.ok(SHIPPED.includes(s), `stacks/Pulumi.${s}.yaml`);
        }
    });

    for (const c of CASES) {
        describe(c.label, () => {
            it("renders Tempo with OTLP receivers only: no Jaeger in its configuration or its Service", async () => {
                const objects = chartObjects(await render(c), "-observability-tempo");
                const config = configFile(objects, "tempo", "tempo.yaml");
                assert.deepStrictEqual(config.distributor.receivers, {
                    otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } },
                });
                const svc = renderedObject(objects, "Service", "tempo") as KubeObject & {
                    spec: { ports: { name: string; port: number; protocol?: string }[] };
                };
                const ports = svc.spec.ports;
                assert.deepStrictEqual(
                    ports.filter((p) => /jaeger/.test(p.name) || p.protocol === "UDP"),
                    [],
                    "no Jaeger or UDP port",
                );
                assert.deepStrictEqual(
                    ports.filter((p) => p.name.includes("otlp") && !p.name.includes("legacy")).map((p) => [p.name, p.port]),
                    [
                        ["grpc-tempo-otlp", 4317],
                        ["tempo-otlp-http", 4318],
                    ],
                );
                const trace = config.storage.trace;
                if (hasStore(await render(c))) {
                    assert.notStrictEqual(trace.backend, "local");
                    assert.strictEqual(trace[trace.backend].prefix, toolFolder("tempo"), "Tempo writes under tempo/");
                    assert.strictEqual(trace.local, undefined, "one backend in the configuration");
                } else {
                    assert.strictEqual(trace.backend, "local");
                }
            });

            it("renders Alloy with a valid, narrowed ClusterRole (pods, pods/log, namespaces; no nodes) and a probed single container", async () => {
                const rs = await render(c);
                const objects = chartObjects(rs, "-observability-alloy");
                const role = renderedObject(objects, "ClusterRole", "alloy") as KubeObject & { rules: unknown[] };
                assert.deepStrictEqual(role.rules, [
                    { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] },
                    { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] },
                ]);
                const deploy = renderedObject(objects, "Deployment", "alloy") as any;
                const containers = deploy.spec.template.spec.containers;
                assert.deepStrictEqual(
                    containers.map((x: any) => x.name),
                    ["alloy"],
                );
                assert.ok(containers[0].livenessProbe && containers[0].readinessProbe);
                assert.ok(deploy.spec.template.metadata.annotations["checksum/config"], "a configuration change rolls the pods");
                assert.deepStrictEqual(
                    deploy.spec.template.spec.volumes.filter((v: any) => v.hostPath),
                    [],
                    "no host mounts",
                );
            });

            it("renders Loki writing every object under loki/ of the bucket, the prefix the lifecycle backstop expires", async () => {
                const rs = await render(c);
                const config = configFile(chartObjects(rs, "-observability-loki"), "loki", "config.yaml");
                if (!hasStore(rs)) {
                    assert.strictEqual(config.common.storage.object_store, undefined);
                    assert.ok(config.common.storage.filesystem, "logs on the local volume");
                    return;
                }
                assert.strictEqual(config.storage_config.use_thanos_objstore, true);
                const store = config.common.storage.object_store;
                assert.strictEqual(`${store.storage_prefix}/`, TOOL_PREFIXES.loki);
                assert.strictEqual(`${config.ruler_storage.storage_prefix}/`, TOOL_PREFIXES.loki);
                const [kind] = Object.keys(store).filter((k) => k !== "storage_prefix");
                const client = store[kind];
                assert.strictEqual(client.bucket_name ?? client.container_name, rs.run.outputs.backupBucket, `${kind}: the cluster's bucket`);
                assert.strictEqual(config.schema_config.configs[0].object_store, kind, "the schema names the same store");
            });

            it("takes Alertmanager's configuration from the program's Secret; the chart renders none", async () => {
                const rs = await render(c);
                const objects = chartObjects(rs, "-observability-stack");
                assert.deepStrictEqual(
                    objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name),
                    [],
                    "no Secret rendered by the chart",
                );
                const am = objects.find((o) => o.kind === "Alertmanager") as any;
                assert.strictEqual(am.spec.configSecret, "alertmanager-config");
                const own = rs.run.resources.filter(
                    (r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as any)?.name === "alertmanager-config",
                );
                assert.strictEqual(own.length, 1);
                assert.strictEqual((own[0].inputs.metadata as any).namespace, "monitoring");
                assert.strictEqual(own[0].redactedInputs.stringData, "[secret]", "encrypted in state");
                assert.deepStrictEqual(
                    rs.violations.filter((v) => v.urn === own[0].urn),
                    [],
                );
            });

            it("draws no violation of the pack among the four charts' rendered objects (named singletons aside; dev sizes advisory)", async () => {
                const rs = await render(c);
                const names = CHARTS.map((suffix) => rs.renders.find((r) => r.name.endsWith(suffix))?.name);
                assert.ok(
                    names.every((n) => n),
                    `all four charts registered: ${rs.renders.map((r) => r.name).join(", ")}`,
                );
                for (const suffix of CHARTS) {
                    assert.ok(chartObjects(rs, suffix).length > 0, `${suffix} rendered objects`);
                }
                const childOf = (urn: string | undefined): boolean => names.some((n) => (urn ?? "").split("::").pop()!.startsWith(`${n}:`));
                const found = rs.violations.filter((v) => childOf(v.urn));
                const replicas = (v: (typeof found)[number]): boolean => v.policy === "workloads-deployment-enforce-minimum-replicas";
                const singleton = (v: (typeof found)[number]): boolean => replicas(v) && SINGLETONS.some((s) => v.urn!.endsWith(`:${s}`));
                // Development stacks run one of everything: their policy config makes the replica rule advisory.
                const devSizing = (v: (typeof found)[number]): boolean => replicas(v) && v.enforcement === "advisory";
                assert.deepStrictEqual(
                    found.filter((v) => !singleton(v) && !devSizing(v)).map((v) => `${v.enforcement} ${v.policy}: ${v.message}`),
                    [],
                );
                // The tolerated ones really are the named singletons at one replica.
                for (const v of found.filter(singleton)) {
                    const [ns, name] = v.urn!.split(":").pop()!.split("/");
                    const obj = rs.rendered.find((r) => r.urn === v.urn)!.inputs as any;
                    assert.deepStrictEqual([obj.metadata.namespace ?? ns, obj.metadata.name, obj.spec.replicas], [ns, name, 1]);
                }
            });
        });
    }

    it("runs the workloads the design sizes for production: Alloy 3, Loki 3, Alertmanager 3, Prometheus 2", async () => {
        const rs = await render({ label: "aws-prod", stack: "aws-prod" });
        const alloy = renderedObject(chartObjects(rs, "-observability-alloy"), "Deployment", "alloy") as any;
        const loki = renderedObject(chartObjects(rs, "-observability-loki"), "StatefulSet", "loki") as any;
        const stack = chartObjects(rs, "-observability-stack") as any[];
        assert.deepStrictEqual(
            [
                alloy.spec.replicas,
                loki.spec.replicas,
                stack.find((o) => o.kind === "Alertmanager").spec.replicas,
                stack.find((o) => o.kind === "Prometheus").spec.replicas,
            ],
            [3, 3, 3, 2],
        );
    });
});
