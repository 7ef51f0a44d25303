/** Issue 14 part 7: image references, where objects name images, and workloads-image-enforce-registry. */
import * as assert from "assert";
import { loadPolicyConfig, policyConfigStacks } from "../../policy/config";
import { imagesOf, mutableTag, parseImage, registryAllowed } from "../../policy/lib/images";
import { resolvePolicyConfig } from "../../policy/runner";
import { PLATFORM_REGISTRIES } from "../../policy/workloads/imageRegistry";
import { check, none, one, policy, Res } from "./helpers";
import { kind, SHAPES, specOf, workload } from "./pods";

const RULE = "workloads-image-enforce-registry";
const DIGEST = `sha256:${"ab".repeat(32)}`;

function withSpec(type: string, change: (spec: any) => void): Res {
    const w = workload(type);
    change(specOf(w));
    return w;
}

/** A PerconaServerMongoDB as components/platform/data/mongodb.ts writes it (the fields that name images). */
function mongo(): Res {
    return {
        type: "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB",
        name: "replica-set",
        props: {
            metadata: { name: "mongodb", namespace: "data-mongodb" },
            spec: {
                image: "percona/percona-server-mongodb:8.0.19-7",
                replsets: [{ name: "rs0", sidecars: [{ name: "metrics", image: "percona/mongodb_exporter:0.44.0" }] }],
                backup: { enabled: true, image: "percona/percona-backup-mongodb:2.12.0" },
                pmm: { enabled: false, image: "percona/pmm-client:latest" },
            },
        },
    };
}

describe("image references (policy/lib/images.ts)", () => {
    it("normalises as the runtime does: Docker Hub by default, library/ for official images, host with a port", () => {
        assert.deepStrictEqual(parseImage("busybox"), {
            written: "busybox",
            full: "docker.io/library/busybox",
            registry: "docker.io",
            repository: "library/busybox",
        });
        assert.deepStrictEqual(parseImage("ollama/ollama:0.32.15"), {
            written: "ollama/ollama:0.32.15",
            full: "docker.io/ollama/ollama:0.32.15",
            registry: "docker.io",
            repository: "ollama/ollama",
            tag: "0.32.15",
        });
        const local = parseImage("registry.local:5000/team/app:1.2");
        assert.deepStrictEqual([local?.registry, local?.repository, local?.tag], ["registry.local:5000", "team/app", "1.2"]);
        assert.strictEqual(parseImage("localhost/app:1")?.registry, "localhost");
        assert.strictEqual(parseImage("index.docker.io/grafana/loki:3.7.6")?.full, "docker.io/grafana/loki:3.7.6");
        const pinned = parseImage(`ghcr.io/cloudnative-pg/postgresql:17.5@${DIGEST}`);
        assert.deepStrictEqual([pinned?.tag, pinned?.digest], ["17.5", DIGEST]);
        assert.strictEqual(parseImage(`quay.io/x/y@${DIGEST}`)?.tag, undefined);
    });
    it("refuses text that is not a reference", () => {
        for (const bad of ["", " busybox", "Quay.io/UPPER/case:1", "repo:tag with space", "a/b@sha256:short", "http://x/y:1", "a//b:1"]) {
            assert.strictEqual(parseImage(bad), undefined, bad);
        }
    });
    it("matches allow-list entries on the host or on whole path components", () => {
        const loki = parseImage("docker.io/grafana/loki:3.7.6")!;
        assert.ok(registryAllowed(loki, ["docker.io"]));
        assert.ok(registryAllowed(loki, ["docker.io/grafana"]));
        assert.ok(registryAllowed(loki, ["index.docker.io/grafana/"]));
        assert.ok(!registryAllowed(loki, ["docker.io/graf"]));
        assert.ok(!registryAllowed(loki, ["quay.io", "docker.io/prometheus"]));
        assert.ok(!registryAllowed(parseImage("docker.io.evil.example/x:1")!, ["docker.io"]));
        assert.ok(!registryAllowed(loki, []));
    });
    it("calls no tag and latest mutable, and any tag without a digest when a digest is required", () => {
        assert.strictEqual(mutableTag(parseImage("busybox")!, false), "no tag (means latest)");
        assert.strictEqual(mutableTag(parseImage("busybox:latest")!, false), "the tag latest");
        assert.strictEqual(mutableTag(parseImage("busybox:1.37")!, false), undefined);
        assert.strictEqual(mutableTag(parseImage("busybox:1.37")!, true), "the tag 1.37 without a digest");
        assert.strictEqual(mutableTag(parseImage(`busybox@${DIGEST}`)!, true), undefined);
    });
    it("finds images in containers, image env vars and image flags, ConfigMap settings and operator resources (not in switched-off sections)", () => {
        const w = withSpec("kubernetes:apps/v1:Deployment", (s) => {
            s.containers[0].env.push(
                { name: "OPERATOR_IMAGE_NAME", value: "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0" },
                { name: "IMAGE_PULL_POLICY", value: "IfNotPresent" },
            );
            s.containers[0].args = ["--acme-http01-solver-image=quay.io/jetstack/cert-manager-acmesolver:v1.21.1", "--v=2", "--config=/etc/app/config.yaml"];
        });
        assert.deepStrictEqual(
            imagesOf(w.type, w.props).map((u) => `${u.field} ${u.image}`),
            [
                "spec.template.spec.containers[app].image ghcr.io/example/jamie:1.4.2",
                "spec.template.spec.containers[app].env[OPERATOR_IMAGE_NAME] ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0",
                "spec.template.spec.containers[app].args[--acme-http01-solver-image] quay.io/jetstack/cert-manager-acmesolver:v1.21.1",
                "spec.template.spec.initContainers[migrate].image ghcr.io/example/jamie:1.4.2",
            ],
        );
        const cm = {
            metadata: { name: "plugin-barman-cloud-config" },
            data: { SIDECAR_IMAGE: "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.13.0", LOG_LEVEL: "info" },
        };
        assert.deepStrictEqual(
            imagesOf("kubernetes:core/v1:ConfigMap", cm).map((u) => u.field),
            ["data.SIDECAR_IMAGE"],
        );
        assert.deepStrictEqual(
            imagesOf(mongo().type, mongo().props).map((u) => u.field),
            ["spec.image", "spec.replsets[0].sidecars[0].image", "spec.backup.image"],
        );
        assert.deepStrictEqual(imagesOf("kubernetes:core/v1:Service", { spec: { image: "x:1" } }), []);
    });
});

describe(`policy ${RULE}`, () => {
    for (const type of SHAPES) {
        it(`passes a ${kind(type)} of pinned images from allowed registries; rejects one from another registry`, async () => {
            none(await check(RULE, [workload(type)]));
            one(
                await check(RULE, [withSpec(type, (s) => (s.initContainers[0].image = "registry.example.net/tools/migrate:2.0"))]),
                `${kind(type)} "w"`,
                "initContainers[migrate].image pulls from a registry outside the allow-list",
                '"registry.example.net/tools/migrate:2.0" (registry registry.example.net)',
                `one of ${PLATFORM_REGISTRIES.join(", ")}`,
                "add registry.example.net to allowedRegistries",
            );
        });
    }
    it("rejects an untagged image and a :latest image as mutable", async () => {
        one(
            await check(RULE, [withSpec("kubernetes:apps/v1:Deployment", (s) => (s.containers[0].image = "ghcr.io/example/jamie"))]),
            "names a mutable image",
            "(no tag (means latest))",
            "a version tag other than latest",
        );
        one(
            await check(RULE, [withSpec("kubernetes:apps/v1:Deployment", (s) => (s.containers[0].image = "quay.io/example/jamie:latest"))]),
            "names a mutable image",
            "(the tag latest)",
        );
    });
    it("with requireDigest, rejects a version tag without a digest and accepts a digest", async () => {
        const tagged = await check(RULE, [workload("kubernetes:apps/v1:Deployment")], { requireDigest: true });
        assert.strictEqual(tagged.length, 2, "the container and the init container");
        one(
            [tagged[0]],
            "names a mutable image",
            "(the tag 1.4.2 without a digest)",
            "required a digest (@sha256:...)",
            "pin it: ghcr.io/example/jamie:1.4.2@sha256:<digest>",
        );
        const pinned = withSpec("kubernetes:apps/v1:Deployment", (s) => {
            s.containers[0].image = `ghcr.io/example/jamie:1.4.2@${DIGEST}`;
            s.initContainers[0].image = `ghcr.io/example/jamie@${DIGEST}`;
        });
        none(await check(RULE, [pinned], { requireDigest: true }));
    });
    it("reports a registry outside the list and a mutable tag on the same image separately", async () => {
        const v = await check(RULE, [withSpec("kubernetes:core/v1:Pod", (s) => (s.containers[0].image = "gcr.io/istio-testing/pilot:latest"))]);
        assert.deepStrictEqual(
            v.map((x) => x.message.split(":")[0]),
            ['Pod "w" spec.containers[app].image pulls from a registry outside the allow-list', 'Pod "w" spec.containers[app].image names a mutable image'],
        );
    });
    it("rejects a reference that does not parse", async () => {
        one(
            await check(RULE, [withSpec("kubernetes:apps/v1:Deployment", (s) => (s.containers[0].image = "ghcr.io/Example/Jamie:1"))]),
            "is not a valid image reference",
            '"ghcr.io/Example/Jamie:1"',
        );
    });
    it("judges the images operators run: a custom resource, an image env var, a ConfigMap setting", async () => {
        none(await check(RULE, [mongo()]));
        const bad = mongo();
        (bad.props.spec as any).backup.image = "registry.example.net/percona/pbm:2.12.0";
        one(await check(RULE, [bad]), 'PerconaServerMongoDB "replica-set" spec.backup.image pulls from a registry outside the allow-list');
        const env = withSpec("kubernetes:apps/v1:Deployment", (s) =>
            s.containers[0].env.push({ name: "INIT_CONTAINER_IMAGE", value: "quay.io/opstree/redis-operator:latest" }),
        );
        one(await check(RULE, [env]), "containers[app].env[INIT_CONTAINER_IMAGE] names a mutable image");
        const cm: Res = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "cm",
            props: { metadata: { name: "c", namespace: "data-postgres" }, data: { SIDECAR_IMAGE: "mirror.example.net/barman:0.13" } },
        };
        one(await check(RULE, [cm]), 'ConfigMap "cm" data.SIDECAR_IMAGE pulls from a registry outside the allow-list');
    });
    it("takes the allow-list from config (a host and path prefix narrows it) and honours exemptions", async () => {
        const w = workload("kubernetes:apps/v1:Deployment");
        none(await check(RULE, [w], { allowedRegistries: ["ghcr.io/example"] }));
        assert.strictEqual((await check(RULE, [w], { allowedRegistries: ["ghcr.io/other"] })).length, 2);
        none(await check(RULE, [withSpec("kubernetes:apps/v1:Deployment", (s) => (s.containers[0].image = "busybox"))], { exemptNamespaces: ["jamie"] }));
    });
    it("is mandatory in every prod policy config and advisory in every dev one, with the platform's registries allowed", () => {
        const p = policy(RULE);
        for (const stack of policyConfigStacks()) {
            const { enforcement, config } = resolvePolicyConfig(p, loadPolicyConfig(stack));
            assert.strictEqual(enforcement, /prod$/.test(stack) ? "mandatory" : "advisory", stack);
            for (const r of PLATFORM_REGISTRIES) {
                assert.ok((config.allowedRegistries as string[]).includes(r), `${stack} allows ${r}`);
            }
            assert.strictEqual(config.requireDigest, false, stack);
        }
    });
});
