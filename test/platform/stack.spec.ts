/**
 * The platform as the stack program installs it (index.ts under mocks with stacks/Pulumi.aws-prod.yaml):
 * outputs, namespaces, charts, providers and secrets; plus the offline end-to-end shape
 * (`platform.thirdPartyCharts: false`) and an add-on switched on by stack config.
 */
import * as assert from "assert";
import { LAYOUT } from "../../components/platform/layout";
import { RunResult } from "../../preview/harness";
import { sharedRun } from "../support/stacks";
import { leakedSecrets, meta, ofType } from "./helpers";

const CHART = "kubernetes:helm.sh/v4:Chart";

describe("platform in the aws-prod stack", function () {
    let run: RunResult;
    before(async () => {
        run = await sharedRun({ stack: "aws-prod" });
    });

    it("exports the public endpoints, the backup locations and no skipped chart", () => {
        assert.strictEqual(run.outputs.jamieUrl, "https://jamie.agents.example.com");
        assert.strictEqual(run.outputs.grafanaUrl, "https://grafana.agents.example.com");
        assert.strictEqual(run.redactedOutputs.grafanaAdminPassword, "[secret]");
        const backups = run.outputs.backupLocations as Record<string, string>;
        assert.match(backups.postgres, /^s3:\/\/.+\/postgres$/);
        assert.match(backups.mongodb, /^s3:\/\/.+\/mongodb$/);
        assert.deepStrictEqual(run.outputs.skippedCharts, []);
    });

    it("installs every Kubernetes object through the cluster's provider", () => {
        const provider = run.resources.find((r) => r.type === "pulumi:providers:kubernetes");
        assert.ok(provider, "the cluster registers a Kubernetes provider");
        const k8s = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom);
        assert.ok(k8s.length > 100);
        for (const r of k8s) {
            assert.ok(r.opts.provider?.startsWith(provider.urn), `${r.type} ${r.name} uses the cluster's provider (got ${r.opts.provider})`);
        }
    });

    it("creates every platform namespace enforcing Pod Security restricted", () => {
        const namespaces = ofType(run, "kubernetes:core/v1:Namespace");
        assert.deepStrictEqual(
            namespaces.map((n) => meta(n).name).sort(),
            Object.values(LAYOUT)
                .map((l) => l.namespace)
                .sort(),
        );
        assert.ok(namespaces.every((n) => meta(n).labels?.["pod-security.kubernetes.io/enforce"] === "restricted"));
    });

    it("installs the platform's charts at their pinned versions, the agents from stack config", () => {
        const charts = Object.fromEntries(ofType(run, CHART).map((c) => [String(c.inputs.chart), c]));
        assert.strictEqual(charts["cert-manager"].inputs.version, "v1.21.1");
        assert.strictEqual(charts["oci://docker.io/envoyproxy/gateway-helm"].inputs.version, "v1.8.1");
        assert.strictEqual(charts["ollama"].inputs.version, "1.77.0");
        assert.deepStrictEqual((charts["./charts/jamie"].inputs.values as any).image, { repository: "ghcr.io/example/jamie", tag: "1.4.2" });
        assert.deepStrictEqual((charts["./charts/scarlet"].inputs.values as any).image, { repository: "ghcr.io/example/scarlet", tag: "2.1.0" });
        assert.strictEqual((charts["./charts/jamie"].inputs.values as any).replicaCount, 3);
    });

    it("issues the public certificates from the stack's issuer (letsencrypt-prod)", () => {
        const certs = ofType(run, "kubernetes:cert-manager.io/v1:Certificate").filter((c) => meta(c).namespace === "platform-gateway");
        assert.deepStrictEqual(certs.map((c) => [(c.inputs.spec as any).dnsNames[0], (c.inputs.spec as any).issuerRef.name]).sort(), [
            ["grafana.agents.example.com", "letsencrypt-prod"],
            ["jamie.agents.example.com", "letsencrypt-prod"],
        ]);
    });

    it("no secret value appears as a plain string in any registered input", () => {
        assert.ok(run.secrets.size > 0);
        assert.deepStrictEqual(leakedSecrets(run), []);
    });
});

describe("platform stack switches", function () {
    it("thirdPartyCharts: false installs only the local charts, reports the rest as skipped; an add-on switch reaches the platform", async () => {
        const run = await sharedRun({ stack: "aws-prod", overrides: { "platform.thirdPartyCharts": false, "platform.addons.falco": true } });
        assert.deepStrictEqual(
            ofType(run, CHART)
                .map((c) => c.inputs.chart)
                .sort(),
            ["./charts/jamie", "./charts/scarlet"],
        );
        const skipped = run.outputs.skippedCharts as string[];
        assert.ok(
            ["certManager", "envoyGateway", "ollama", "kubePrometheusStack", "falco"].every((k) => skipped.includes(k)),
            `skipped: ${skipped.join(", ")}`,
        );
        assert.ok(!skipped.includes("argoCd"), "add-ons that are off are not reported as skipped");
        assert.ok((run.outputs.warnings as string[]).some((w) => w.startsWith("third-party charts are off")));
        const falcoNs = ofType(run, "kubernetes:core/v1:Namespace").find((n) => meta(n).name === "falco");
        assert.strictEqual(meta(falcoNs!).labels?.["pod-security.kubernetes.io/enforce"], "privileged");
    });
});
