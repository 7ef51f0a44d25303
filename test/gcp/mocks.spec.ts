import * as assert from "assert";
import { callMock, computedState, mockId } from "../../preview/mocks";
import { projectNumber } from "../../preview/mocks/gcp";

const CTX = { stack: "gcp-prod", project: "agent-platform" };

describe("GCP mocks", () => {
    it("gives provider-shaped ids, auto-named when no name is given", () => {
        assert.match(mockId("gcp:compute/network:Network", "n-vpc", { project: "p-123456" }), /^projects\/p-123456\/global\/networks\/n-vpc-[0-9a-f]{7}$/);
        assert.strictEqual(
            mockId("gcp:kms/keyRing:KeyRing", "r", { project: "p-123456", location: "europe-west4", name: "ring" }),
            "projects/p-123456/locations/europe-west4/keyRings/ring",
        );
        assert.strictEqual(
            mockId("gcp:kms/cryptoKey:CryptoKey", "k", { keyRing: "projects/p/locations/l/keyRings/r", name: "key" }),
            "projects/p/locations/l/keyRings/r/cryptoKeys/key",
        );
        assert.strictEqual(
            mockId("gcp:serviceaccount/account:Account", "a", { project: "p-123456", accountId: "nodes" }),
            "projects/p-123456/serviceAccounts/nodes@p-123456.iam.gserviceaccount.com",
        );
        assert.match(mockId("gcp:storage/bucket:Bucket", "b", {}), /^b-[0-9a-f]{7}$/);
    });

    it("reports the same auto-name in the state as in the id", () => {
        const id = mockId("gcp:container/nodePool:NodePool", "t-data", { project: "p-123456", location: "europe-west4", cluster: "t" });
        const state = computedState(
            "gcp:container/nodePool:NodePool",
            "t-data",
            { project: "p-123456", location: "europe-west4", cluster: "t", nodeLocations: ["europe-west4-a"] },
            CTX,
        );
        assert.strictEqual(id, `p-123456/europe-west4/t/${state.name}`);
        assert.strictEqual((state.instanceGroupUrls as string[]).length, 1);
    });

    it("answers a private or public cluster endpoint with a CA certificate", () => {
        const priv = computedState(
            "gcp:container/cluster:Cluster",
            "c",
            { name: "c", location: "europe-west4", privateClusterConfig: { enablePrivateEndpoint: true, masterIpv4CidrBlock: "172.16.8.0/28" } },
            CTX,
        );
        assert.strictEqual(priv.endpoint, "172.16.8.2");
        const pub = computedState(
            "gcp:container/cluster:Cluster",
            "c",
            { name: "c", location: "europe-west4", privateClusterConfig: { enablePrivateEndpoint: false } },
            CTX,
        );
        assert.match(String(pub.endpoint), /^34\.\d+\.\d+\.\d+$/);
        const ca = Buffer.from(String((priv.masterAuth as any).clusterCaCertificate), "base64").toString("utf8");
        assert.match(ca, /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
        assert.strictEqual(priv.masterVersion, "1.33.5-gke.1200000");
    });

    it("gives service accounts their e-mail and member", () => {
        const s = computedState("gcp:serviceaccount/account:Account", "a", { project: "p-123456", accountId: "pg" }, CTX);
        assert.strictEqual(s.email, "pg@p-123456.iam.gserviceaccount.com");
        assert.strictEqual(s.member, "serviceAccount:pg@p-123456.iam.gserviceaccount.com");
    });

    it("answers getProject with a stable 12-digit number and the GCS service agent from it", () => {
        const p = callMock("gcp:organizations/getProject:getProject", { projectId: "p-123456" }, CTX);
        assert.match(String(p.number), /^\d{12}$/);
        assert.strictEqual(p.number, projectNumber("p-123456"));
        assert.notStrictEqual(projectNumber("p-123456"), projectNumber("p-654321"));
        const gcs = callMock("gcp:storage/getProjectServiceAccount:getProjectServiceAccount", { project: "p-123456" }, CTX);
        assert.strictEqual(gcs.emailAddress, `service-${p.number}@gs-project-accounts.iam.gserviceaccount.com`);
    });

    it("throws for a function it does not know, naming it", () => {
        assert.throws(() => callMock("gcp:compute/getZones:getZones", {}, CTX), {
            message: "offline preview: no mock for function gcp:compute/getZones:getZones; add one to preview/mocks/",
        });
    });
});
