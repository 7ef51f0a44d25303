/** The DigitalOcean mock table answers in the provider's shapes, and only for what DigitalOcean offers. */
import * as assert from "assert";
import { callMock, computedState, mockId } from "../../preview/mocks";
import { OFFERED_KUBERNETES } from "../../preview/mocks/digitalocean";

const ctx = { stack: "do-prod", project: "agent-platform" };
const CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster";

describe("DigitalOcean mocks", () => {
    it("gives clusters, pools and VPCs UUIDs, buckets their auto-name", () => {
        assert.match(mockId(CLUSTER, "c", {}), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.strictEqual(mockId(CLUSTER, "c", {}), mockId(CLUSTER, "c", {}));
        assert.notStrictEqual(mockId(CLUSTER, "c", {}), mockId("digitalocean:index/vpc:Vpc", "c", {}));
        assert.match(mockId("digitalocean:index/spacesBucket:SpacesBucket", "b", {}), /^b-[0-9a-f]{7}$/);
    });

    it("answers a cluster with a DOKS endpoint, CA, kubeconfig entry and its default pool's nodes", () => {
        const s = computedState(
            CLUSTER,
            "c",
            { name: "c", region: "fra1", version: "1.36.3-do.0", nodePool: { name: "system", autoScale: true, minNodes: 3, maxNodes: 6 } },
            ctx,
        ) as any;
        const id = mockId(CLUSTER, "c", {});
        assert.strictEqual(s.endpoint, `https://${id}.k8s.ondigitalocean.com`);
        assert.strictEqual(s.urn, `do:kubernetes:${id}`);
        assert.match(Buffer.from(s.kubeConfigs[0].clusterCaCertificate, "base64").toString(), /^-----BEGIN CERTIFICATE-----/);
        assert.match(s.kubeConfigs[0].rawConfig, /server: "https:\/\/.*\.k8s\.ondigitalocean\.com"/);
        assert.strictEqual(s.nodePool.nodes.length, 3);
        assert.match(s.nodePool.nodes[0].name, /^system-[0-9a-f]{5}$/);
    });

    it("answers getKubernetesVersions with the newest patch of an offered minor, and nothing for another", () => {
        const v = callMock("digitalocean:index/getKubernetesVersions:getKubernetesVersions", { versionPrefix: "1.36." }, ctx);
        assert.strictEqual(v.latestVersion, OFFERED_KUBERNETES["1.36"]);
        const none = callMock("digitalocean:index/getKubernetesVersions:getKubernetesVersions", { versionPrefix: "1.31." }, ctx);
        assert.deepStrictEqual({ latest: none.latestVersion, valid: none.validVersions }, { latest: "", valid: [] });
    });

    it("answers a Spaces key with an access key id and a secret", () => {
        const k = computedState("digitalocean:index/spacesKey:SpacesKey", "k", {}, ctx) as any;
        assert.match(k.accessKey, /^DO[0-9A-F]{18}$/);
        assert.ok(String(k.secretKey).length >= 40);
    });
});
