/**
 * Issue 14 part 7: the offline report lists every image the platform runs, from the program's
 * objects and the rendered charts, de-duplicated, with registry, repository, tag, digest and where
 * each comes from, in the text and the JSON report of every shipped stack.
 */
import * as assert from "assert";
import { MONGO_IMAGES } from "../../components/platform/data/mongodb";
import { PG_IMAGE } from "../../components/platform/data/postgres";
import { REDIS_IMAGES } from "../../components/platform/data/redis";
import { RCLONE_IMAGE } from "../../components/platform/data/redisBackup";
import { ENVOY_PROXY_IMAGE } from "../../components/platform/edge";
import { parseImage } from "../../policy/lib/images";
import { CliDeps, EXIT, main } from "../../preview/cli";
import type { RecordedResource, RunResult } from "../../preview/harness";
import type { ChartRender } from "../../preview/helm";
import { imageInventory, type ImageEntry } from "../../preview/images";
import { buildReport, renderJson, renderText } from "../../preview/report";
import { shippedStacks } from "../../preview/stackFile";
import { renderStack, testMirror } from "../support/charts";
import { sharedRun } from "../support/stacks";

const STACK_URN = "urn:pulumi:t::agent-platform::pulumi:pulumi:Stack::agent-platform-t";
const DIGEST = `sha256:${"cd".repeat(32)}`;

function record(type: string, name: string, inputs: Record<string, unknown>, custom = true): RecordedResource {
    return {
        type,
        name,
        urn: `urn:pulumi:t::agent-platform::${type}::${name}`,
        parent: STACK_URN,
        custom,
        inputs,
        redactedInputs: inputs,
        opts: { protect: false, retainOnDelete: false, ignoreChanges: [], additionalSecretOutputs: [], dependsOn: [] },
    };
}

function deployment(name: string, namespace: string, images: string[]): Record<string, unknown> {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
    };
}

/** A run with a Redis CR, an agent Deployment and a chart; the chart renders two objects naming one image two ways. */
function fixture(): { run: RunResult; renders: ChartRender[] } {
    const chart = record("kubernetes:helm.sh/v4:Chart", "loki", { chart: "loki", version: "18.11.0", values: {} }, false);
    const resources = [
        { ...record("pulumi:pulumi:Stack", "agent-platform-t", {}, false), parent: undefined, urn: STACK_URN },
        record("kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication", "redis", {
            apiVersion: "redis.redis.opstreelabs.in/v1beta2",
            kind: "RedisReplication",
            metadata: { name: "redis", namespace: "data-redis" },
            spec: {
                kubernetesConfig: { image: "quay.io/opstree/redis:v7.0.15" },
                redisExporter: { enabled: false, image: "quay.io/opstree/redis-exporter:v1.44.0" },
            },
        }),
        record("kubernetes:apps/v1:Deployment", "jamie", deployment("jamie", "jamie", [`ghcr.io/example/jamie:1.4.2@${DIGEST}`, "busybox"])),
        chart,
    ];
    const renders: ChartRender[] = [
        {
            urn: chart.urn,
            name: "loki",
            chart: "loki",
            version: "18.11.0",
            release: "loki",
            namespace: "monitoring",
            cached: false,
            objects: [
                { ...deployment("loki-gateway", "monitoring", ["grafana/loki:3.7.6"]), metadata: { name: "loki-gateway", namespace: "monitoring" } } as never,
                {
                    ...deployment("loki-canary", "monitoring", ["docker.io/grafana/loki:3.7.6"]),
                    metadata: { name: "loki-canary", namespace: "monitoring" },
                } as never,
            ],
        },
    ];
    const run: RunResult = {
        stack: "t",
        project: "agent-platform",
        resources,
        outputs: { cloud: "existing" },
        redactedOutputs: { cloud: "existing" },
        secrets: new Set(),
        config: {},
        log: [],
    };
    return { run, renders };
}

describe("preview: the image list", () => {
    it("lists each image once by its normalised reference, with its parts and every source (chart objects and program objects)", () => {
        const { run, renders } = fixture();
        const images = imageInventory(run.resources, renders);
        assert.deepStrictEqual(
            images.map((i) => i.image),
            ["docker.io/grafana/loki:3.7.6", "docker.io/library/busybox", `ghcr.io/example/jamie:1.4.2@${DIGEST}`, "quay.io/opstree/redis:v7.0.15"],
        );
        const loki = images[0];
        assert.deepStrictEqual([loki.registry, loki.repository, loki.tag, loki.digest], ["docker.io", "grafana/loki", "3.7.6", undefined]);
        assert.deepStrictEqual(loki.written, ["grafana/loki:3.7.6", "docker.io/grafana/loki:3.7.6"]);
        assert.deepStrictEqual(loki.sources, [
            {
                from: "chart",
                chart: "loki",
                version: "18.11.0",
                release: "loki",
                object: "Deployment monitoring/loki-gateway",
                field: "spec.template.spec.containers[c0].image",
            },
            {
                from: "chart",
                chart: "loki",
                version: "18.11.0",
                release: "loki",
                object: "Deployment monitoring/loki-canary",
                field: "spec.template.spec.containers[c0].image",
            },
        ]);
        assert.deepStrictEqual([images[2].tag, images[2].digest], ["1.4.2", DIGEST]);
        assert.deepStrictEqual(images[3].sources, [
            { from: "program", resource: "redis", object: "RedisReplication data-redis/redis", field: "spec.kubernetesConfig.image" },
        ]);
        assert.ok(!images.some((i) => i.image.includes("redis-exporter")), "a switched-off exporter runs nothing");
    });

    it("is in the JSON and the text report; without rendering it holds the program's images only and says so", () => {
        const { run, renders } = fixture();
        const rendered = buildReport(run, [], {}, { renders });
        const json = JSON.parse(renderJson(rendered, run.secrets)) as { images: ImageEntry[] };
        assert.deepStrictEqual(json.images, imageInventory(run.resources, renders));
        const text = renderText(rendered, run.secrets);
        assert.match(
            text,
            /^Images: 4 distinct, from the program's objects and the rendered charts; scan them before deploying \(docs\/platform\.md, "Scanning images"\):$/m,
        );
        assert.match(
            text,
            /^ {2}docker\.io\/grafana\/loki:3\.7\.6\n {6}chart loki 18\.11\.0 \(release loki\): Deployment monitoring\/loki-gateway containers\[c0\]\.image, Deployment monitoring\/loki-canary containers\[c0\]\.image$/m,
        );
        assert.match(
            text,
            /^ {2}docker\.io\/library\/busybox \(no tag: latest\)\n {6}program resource jamie: Deployment jamie\/jamie containers\[c1\]\.image$/m,
        );
        const unrendered = buildReport(run, [], {}, { skipped: "no Helm" });
        assert.deepStrictEqual(
            unrendered.images.map((i) => i.image),
            ["docker.io/library/busybox", `ghcr.io/example/jamie:1.4.2@${DIGEST}`, "quay.io/opstree/redis:v7.0.15"],
        );
        assert.match(renderText(unrendered, run.secrets), /^Images: 3 distinct, from the program's objects only \(charts not rendered: no Helm\);/m);
    });
});

/** Every string under a key `image`/`imageName` anywhere in an object, outside switched-off sections. */
function namedImages(node: unknown, out: Set<string>): void {
    if (Array.isArray(node)) {
        node.forEach((x) => namedImages(x, out));
        return;
    }
    if (node === null || typeof node !== "object" || (node as { enabled?: unknown }).enabled === false) {
        return;
    }
    for (const [k, v] of Object.entries(node)) {
        if ((k === "image" || k === "imageName") && typeof v === "string") {
            out.add(v);
        } else {
            namedImages(v, out);
        }
    }
}

describe("issue 14: the image list in the text and JSON reports of every shipped stack", function () {
    this.timeout(300_000);
    const deps: CliDeps = { runProgram: (opts) => sharedRun(opts) };
    const preview = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
        let stdout = "";
        let stderr = "";
        const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) }, deps);
        return { code, stdout, stderr };
    };

    for (const stack of shippedStacks()) {
        it(`${stack}: every image, from the charts and the program, once each, in both reports`, async () => {
            const json = await preview(["--stack", stack, "--json", "--chart-mirror", testMirror()]);
            assert.strictEqual(json.code, EXIT.ok, json.stderr);
            const doc = JSON.parse(json.stdout) as {
                images: ImageEntry[];
                resources: { type: string; inputs: Record<string, unknown> }[];
                renderingSkipped?: string;
                outputs: Record<string, unknown>;
            };
            assert.strictEqual(doc.renderingSkipped, undefined, "the charts were rendered");
            const images = doc.images;
            assert.ok(images.length >= 30, `${images.length} images`);
            assert.strictEqual(new Set(images.map((i) => i.image)).size, images.length, "each image once");
            for (const i of images) {
                const ref = parseImage(i.image);
                assert.ok(ref && ref.full === i.image && ref.registry === i.registry && ref.repository === i.repository && ref.tag === i.tag, i.image);
                assert.ok(i.sources.length > 0, `${i.image} has no source`);
            }
            const has = (written: string, from: "chart" | "program"): void => {
                const entry = images.find((i) => i.image === parseImage(written)!.full);
                assert.ok(entry, `${written} is not listed`);
                assert.ok(
                    entry.sources.some((s) => s.from === from),
                    `${written} is not listed from the ${from}`,
                );
            };
            // The program's own custom resources and the charts' workloads, the agents from the stack's config.
            for (const image of [
                PG_IMAGE,
                MONGO_IMAGES.mongod,
                MONGO_IMAGES.exporter,
                REDIS_IMAGES.redis,
                REDIS_IMAGES.sentinel,
                REDIS_IMAGES.exporter,
                ENVOY_PROXY_IMAGE,
            ]) {
                has(image, "program");
            }
            assert.ok(!images.some((i) => i.image === parseImage(MONGO_IMAGES.pmm)!.full), "PMM is off: not an image the platform runs");
            // Redis's copy off the cluster runs only where there is an object store to copy to.
            if (doc.outputs.backupLocations && (doc.outputs.backupLocations as { redis?: string }).redis) {
                has(RCLONE_IMAGE, "program");
            } else {
                assert.ok(!images.some((i) => i.image === RCLONE_IMAGE), "no object store: no copy job");
            }
            const platform = JSON.parse(String((await sharedRun({ stack })).config["agent-platform:platform"])) as {
                jamie: { repository: string; tag: string };
                scarlet: { repository: string; tag: string };
            };
            for (const agent of [platform.jamie, platform.scarlet]) {
                has(`${agent.repository}:${agent.tag}`, "chart");
            }
            for (const image of [
                "quay.io/jetstack/cert-manager-controller",
                "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar",
                "quay.io/prometheus-operator/prometheus-config-reloader",
                "docker.io/grafana/loki",
            ]) {
                assert.ok(
                    images.some((i) => i.image.startsWith(`${image}:`) && i.sources.every((s) => s.from === "chart")),
                    `${image} from its chart`,
                );
            }
            // Nothing that names an image in any object the stack deploys (its own, its charts') is missing from the list.
            const named = new Set<string>();
            const objects = [...doc.resources, ...(await renderStack(stack)).rendered];
            for (const r of objects) {
                if (r.type.startsWith("kubernetes:") && !r.type.includes("helm.sh") && !r.type.endsWith(":CustomResourceDefinition")) {
                    namedImages(r.inputs, named);
                }
            }
            assert.ok(named.size >= 25, `${named.size} images named`);
            for (const image of named) {
                assert.ok(
                    images.some((i) => i.written.includes(image)),
                    `${image} is named in an object but not listed`,
                );
            }

            const text = await preview(["--stack", stack, "--chart-mirror", testMirror()]);
            assert.strictEqual(text.code, EXIT.ok, text.stderr);
            assert.match(text.stdout, new RegExp(`^Images: ${images.length} distinct, from the program's objects and the rendered charts;`, "m"));
            const section = text.stdout.slice(text.stdout.indexOf("\nImages: "));
            for (const i of images) {
                assert.ok(section.includes(`\n  ${i.image}\n`), `${i.image} missing from the text report`);
            }
        });
    }
});
