import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RecordedResource, RunResult } from "../../preview/harness";
import { buildReport, renderJson, renderText } from "../../preview/report";
import { writeArtifacts } from "../../preview/render";
import { decodeWire, REDACTED, scrub, secretStrings } from "../../preview/secrets";

const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const STACK_URN = "urn:pulumi:t::agent-platform::pulumi:pulumi:Stack::agent-platform-t";

function resource(type: string, name: string, wire: Record<string, unknown>, parent = STACK_URN): RecordedResource {
    const d = decodeWire(wire);
    return {
        type,
        name,
        urn: `urn:pulumi:t::agent-platform::${type}::${name}`,
        parent,
        custom: true,
        inputs: d.plain as Record<string, unknown>,
        redactedInputs: d.redacted as Record<string, unknown>,
        opts: { protect: false, retainOnDelete: false, ignoreChanges: [], additionalSecretOutputs: [], dependsOn: [] },
    };
}

function fakeRun(): RunResult {
    const secretWire = {
        metadata: { name: "db", namespace: "data-postgres" },
        stringData: { password: { ...SECRET_SIG, value: "s3cr3t-pa55word" } },
    };
    const resources = [
        { ...resource("pulumi:pulumi:Stack", "agent-platform-t", {}), parent: undefined, urn: STACK_URN, custom: false },
        resource("kubernetes:core/v1:Secret", "db", secretWire),
        // A helm.v4.Chart is a component resource, not a custom one.
        {
            ...resource("kubernetes:helm.sh/v4:Chart", "cert-manager", { chart: "cert-manager", version: "v1.19.1", values: { crds: { enabled: true } } }),
            custom: false,
        },
        resource("kubernetes:helm.sh/v3:Release", "legacy", { chart: "legacy", version: "1.0.0", values: {} }),
    ];
    const secrets = new Set<string>();
    for (const r of resources) {
        secretStrings(r.inputs, r.redactedInputs, secrets);
    }
    secretStrings({ kubeconfig: "apiVersion: v1 token-abcdef" }, { kubeconfig: REDACTED }, secrets);
    return {
        stack: "t",
        project: "agent-platform",
        resources,
        outputs: { cloud: "existing", kubeconfig: "apiVersion: v1 token-abcdef", warnings: ["no object store: backups disabled"] },
        redactedOutputs: { cloud: "existing", kubeconfig: REDACTED, warnings: ["no object store: backups disabled"] },
        secrets,
        config: {},
        log: [{ severity: "warning", message: "BucketV2 is deprecated" }],
    };
}

describe("preview: secrets on the wire", () => {
    it("decodes a secret into its plain value and [secret], nested at any depth", () => {
        const d = decodeWire({ a: [{ b: { ...SECRET_SIG, value: { c: "x1y2z3w4" } } }], plain: "visible" });
        assert.deepStrictEqual(d.plain, { a: [{ b: { c: "x1y2z3w4" } }], plain: "visible" });
        assert.deepStrictEqual(d.redacted, { a: [{ b: REDACTED }], plain: "visible" });
        assert.deepStrictEqual([...secretStrings(d.plain, d.redacted)], ["x1y2z3w4"]);
    });

    it("scrubs every occurrence of a secret from free text", () => {
        assert.strictEqual(scrub("pw=abcdefgh; again abcdefgh", new Set(["abcdefgh"])), "pw=[secret]; again [secret]");
    });
});

describe("preview: report", () => {
    it("has the JSON shape {stack, cloud, resources, outputs, violations} with secrets as [secret]", () => {
        const run = fakeRun();
        const violations = [{ policy: "secrets-secret-disallow-plaintext", enforcement: "mandatory" as const, urn: run.resources[1].urn, message: "bad" }];
        const json = JSON.parse(renderJson(buildReport(run, violations), run.secrets));
        assert.strictEqual(json.stack, "t");
        assert.strictEqual(json.cloud, "existing");
        assert.deepStrictEqual(Object.keys(json.resources[1]).sort(), ["inputs", "name", "parent", "type", "urn"]);
        assert.strictEqual(json.resources[1].inputs.stringData.password, "[secret]");
        assert.strictEqual(json.outputs.kubeconfig, "[secret]");
        assert.deepStrictEqual(json.violations, violations);
        assert.strictEqual(json.summary.mandatory, 1);
        const text = renderJson(buildReport(run, violations), run.secrets);
        assert.ok(!text.includes("s3cr3t-pa55word") && !text.includes("token-abcdef"));
    });

    it("without rendering, says in one line that the charts' objects were not checked, and qualifies the verdict", () => {
        const run = fakeRun();
        const report = buildReport(run, [], {}, { skipped: "no Helm" });
        assert.strictEqual(report.renderingSkipped, "no Helm");
        assert.deepStrictEqual(
            report.charts.map((c) => [c.chart, c.rendered]),
            [["cert-manager", false]],
        );
        assert.deepStrictEqual(
            report.notVisible.map((n) => [n.chart, n.kind]),
            [["legacy@1.0.0", "helm.v3.Release"]],
        );
        assert.match(report.notVisible[0].reason, /only the values are visible/);
        const text = renderText(report, run.secrets);
        assert.match(text, /^Charts: 1 Helm charts not rendered \(no Helm\); the pack saw their values only\.$/m);
        assert.match(text, /^Result: OK for the program's own objects .*the charts' objects were not checked/m);
    });

    it("with rendering, lists each chart with its object count and names a chart that failed to render", () => {
        const run = fakeRun();
        const chart = run.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!;
        const render = {
            urn: chart.urn,
            name: chart.name,
            chart: "cert-manager",
            version: "v1.19.1",
            release: "cert-manager",
            namespace: "cert-manager",
            cached: false,
        };
        const ok = buildReport(
            run,
            [],
            {},
            { renders: [{ ...render, objects: [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "a", namespace: "cert-manager" } }] }] },
        );
        assert.strictEqual(ok.renderingSkipped, undefined);
        assert.strictEqual(ok.summary.renderedObjects, 1);
        assert.deepStrictEqual(
            ok.charts.map((c) => [c.chart, c.rendered, c.objects]),
            [["cert-manager", true, 1]],
        );
        assert.match(renderText(ok, run.secrets), /^Charts: 1 of 1 rendered with Helm into 1 objects, every one checked by the pack:$/m);
        assert.match(renderText(ok, run.secrets), /^Result: OK \(no mandatory policy violations, every chart rendered and checked\)$/m);
        const failed = buildReport(run, [], {}, { renders: [{ ...render, objects: [], error: "nil pointer" }] });
        assert.deepStrictEqual(failed.notVisible.map((n) => [n.chart, n.reason]).slice(0, 1), [["cert-manager@v1.19.1", "not rendered: nil pointer"]]);
        assert.match(renderText(failed, run.secrets), /cert-manager v1\.19\.1 \(.*\): NOT RENDERED, nil pointer/);
    });

    it("renders text with warnings, violations and the verdict, and never a secret", () => {
        const run = fakeRun();
        const ok = renderText(buildReport(run, [{ policy: "p-advisory", enforcement: "advisory", message: "hmm" }]), run.secrets);
        assert.match(ok, /Warnings:\n {2}! no object store: backups disabled/);
        assert.match(ok, /Program log:\n {2}warning: BucketV2 is deprecated/);
        assert.match(ok, /Policy violations: 0 mandatory, 1 advisory/);
        assert.match(ok, /Result: OK/);
        const bad = renderText(
            buildReport(run, [{ policy: "p-mandatory", enforcement: "mandatory", urn: run.resources[1].urn, message: "found s3cr3t-pa55word" }]),
            run.secrets,
        );
        assert.match(bad, /\[mandatory\] p-mandatory: kubernetes:core\/v1:Secret::db/);
        assert.match(bad, /Result: REJECTED/);
        assert.ok(!bad.includes("s3cr3t-pa55word"), "a secret echoed by a policy message must be scrubbed");
    });

    // Issue 11 case 13: the verdict and what it rests on come first, the details after.
    it("opens the text report with a summary: stack, cloud, environment, resources, policy config, counts, verdict", () => {
        const run = fakeRun();
        const violations = [
            { policy: "p-mandatory", enforcement: "mandatory" as const, urn: run.resources[1].urn, message: "bad" },
            { policy: "p-advisory", enforcement: "advisory" as const, message: "hmm" },
        ];
        const report = buildReport(run, violations, { environment: "dev", policyConfig: "policy/config/environments/dev.json" });
        const lines = renderText(report, run.secrets).split("\n");
        assert.deepStrictEqual(lines.slice(0, 9), [
            'Offline preview of stack "t"',
            "  cloud:          existing",
            "  environment:    dev",
            "  resources:      4",
            "  policy config:  policy/config/environments/dev.json",
            "  violations:     1 mandatory, 1 advisory",
            "  warnings:       2",
            "  charts:         1, not rendered (chart rendering was not requested)",
            "Result: REJECTED (mandatory policy violations)",
        ]);
        assert.ok(lines.indexOf("Resources by type:") > lines.indexOf("Policy violations: 1 mandatory, 1 advisory"), "details come after the violations");
        assert.strictEqual(lines.filter((l) => l.startsWith("Result:")).length, 1);
        assert.deepStrictEqual(
            { ...report.summary, byType: undefined },
            {
                environment: "dev",
                resources: 4,
                renderedObjects: 0,
                byType: undefined,
                policyConfig: "policy/config/environments/dev.json",
                mandatory: 1,
                advisory: 1,
                verdict: "REJECTED",
            },
        );
    });

    it("writes the report, manifests and Helm values to --out without secrets", () => {
        const run = fakeRun();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-out-"));
        const files = writeArtifacts(dir, run, buildReport(run, []));
        assert.deepStrictEqual(files.sort(), [
            "helm-values/cert-manager.yaml",
            "helm-values/legacy.yaml",
            "manifests/data-postgres/Secret-db.yaml",
            "report.json",
            "report.txt",
        ]);
        const secretYaml = fs.readFileSync(path.join(dir, "manifests/data-postgres/Secret-db.yaml"), "utf8");
        assert.match(secretYaml, /apiVersion: v1\nkind: Secret/);
        assert.match(secretYaml, /password: "\[secret\]"/);
        for (const f of files) {
            assert.ok(!fs.readFileSync(path.join(dir, f), "utf8").includes("s3cr3t-pa55word"), f);
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
