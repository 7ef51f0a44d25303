import * as assert from "assert";
import { computedState } from "../../preview/mocks";

const ctx = { stack: "t", project: "agent-platform" };

describe("kubernetes mocks", () => {
    it("report the object's name, a stable uid and server-set metadata", () => {
        const inputs = { apiVersion: "v1", kind: "Namespace", metadata: { name: "jamie", labels: { a: "b" } } };
        const s = computedState("kubernetes:core/v1:Namespace", "t-jamie", inputs, ctx) as any;
        assert.strictEqual(s.metadata.name, "jamie");
        assert.deepStrictEqual(s.metadata.labels, { a: "b" });
        assert.match(s.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.strictEqual(s.metadata.uid, (computedState("kubernetes:core/v1:Namespace", "t-jamie", inputs, ctx) as any).metadata.uid);
        assert.strictEqual(s.status.phase, "Active");
        const unnamed = computedState("kubernetes:core/v1:ConfigMap", "t-cm", { apiVersion: "v1", kind: "ConfigMap", metadata: {} }, ctx) as any;
        assert.strictEqual(unnamed.metadata.name, "t-cm");
    });

    it("give Services a cluster IP, and LoadBalancers a hostname", () => {
        const svc = computedState(
            "kubernetes:core/v1:Service",
            "s",
            { apiVersion: "v1", kind: "Service", metadata: { name: "jamie", namespace: "jamie" }, spec: { ports: [] } },
            ctx,
        ) as any;
        assert.match(svc.spec.clusterIP, /^172\.20\.\d{1,3}\.\d{1,3}$/);
        assert.strictEqual(svc.spec.type, "ClusterIP");
        assert.deepStrictEqual(svc.status.loadBalancer, {});
        const lb = computedState(
            "kubernetes:core/v1:Service",
            "s",
            { apiVersion: "v1", kind: "Service", metadata: { name: "envoy", namespace: "platform-gateway" }, spec: { type: "LoadBalancer" } },
            ctx,
        ) as any;
        assert.match(lb.status.loadBalancer.ingress[0].hostname, /^a[0-9a-f]{31}\.elb\.eu-west-1\.amazonaws\.com$/);
    });

    it("render nothing for a v4 Chart and report a v3 Release deployed", () => {
        assert.deepStrictEqual(computedState("kubernetes:helm.sh/v4:Chart", "c", { chart: "cert-manager", version: "v1.21.1" }, ctx), { resources: [] });
        const rel = computedState("kubernetes:helm.sh/v3:Release", "r", { chart: "x", version: "1.0.0", name: "x", namespace: "ns" }, ctx) as any;
        assert.deepStrictEqual(rel.status, { name: "x", namespace: "ns", chart: "x", version: "1.0.0", appVersion: "", revision: 1, status: "deployed" });
    });
});
