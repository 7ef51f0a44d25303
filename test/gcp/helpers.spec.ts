import * as assert from "assert";
import { cidrsOverlap } from "../../policy/lib/cidr";
import { buildGkeKubeconfig, gcpLabels, perZoneCounts, serviceAccountId, workloadIdentityMember } from "../../components/gcp/helpers";
import { OBJECT_STORE_PREFIXES, retentionRules, TOOL_PREFIXES } from "../../components/retention";
import { DEFAULT_RETENTION } from "../../components/defaults";
import type { NodePoolSpec } from "../../components/types";

const pool = (minNodes: number, maxNodes: number, desiredNodes: number): NodePoolSpec => ({
    role: "agents",
    instanceType: "n2-standard-8",
    minNodes,
    maxNodes,
    desiredNodes,
    diskSizeGb: 100,
});

describe("perZoneCounts", () => {
    it("divides the pool's figures over the zones, rounding up", () => {
        assert.deepStrictEqual(perZoneCounts(pool(3, 9, 3), 3), { initialNodeCount: 1, minNodeCount: 1, maxNodeCount: 3 });
        assert.deepStrictEqual(perZoneCounts(pool(4, 10, 5), 3), { initialNodeCount: 2, minNodeCount: 2, maxNodeCount: 4 });
        assert.deepStrictEqual(perZoneCounts(pool(2, 3, 2), 1), { initialNodeCount: 2, minNodeCount: 2, maxNodeCount: 3 });
    });

    it("never lets the total fall below the pool's minimum", () => {
        for (const zones of [1, 2, 3, 4]) {
            for (const min of [1, 3, 4, 5, 7, 10]) {
                const c = perZoneCounts(pool(min, min * 2, min), zones);
                assert.ok(c.minNodeCount * zones >= min, `${min} over ${zones} zones: ${c.minNodeCount} per zone`);
                assert.ok(c.maxNodeCount >= c.minNodeCount && c.initialNodeCount >= c.minNodeCount && c.initialNodeCount <= c.maxNodeCount);
            }
        }
    });

    it("rejects a zone count that is not a positive integer", () => {
        assert.throws(() => perZoneCounts(pool(3, 6, 3), 0), { message: "zoneCount must be a positive integer, found 0" });
    });
});

describe("gcpLabels", () => {
    it("lower-cases and replaces characters GCP labels do not allow", () => {
        assert.deepStrictEqual(gcpLabels({ Owner: "Platform Team", "managed-by": "pulumi", "cost.center": "AI/42", "9lives": "x" }), {
            owner: "platform_team",
            "managed-by": "pulumi",
            cost_center: "ai_42",
            k9lives: "x",
        });
    });

    it("cuts keys and values to 63 characters", () => {
        const out = gcpLabels({ ["k".repeat(80)]: "v".repeat(80) });
        assert.deepStrictEqual(out, { ["k".repeat(63)]: "v".repeat(63) });
    });
});

describe("serviceAccountId", () => {
    it("keeps a name that fits", () => {
        assert.strictEqual(serviceAccountId("agents-gcp-prod-nodes"), "agents-gcp-prod-nodes");
    });

    it("shortens a long name with a hash so distinct names stay distinct", () => {
        const a = serviceAccountId("agents-gcp-prod-data-postgres-identity");
        const b = serviceAccountId("agents-gcp-prod-data-postgres-identitz");
        for (const id of [a, b]) {
            assert.match(id, /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
        }
        assert.strictEqual(a.length, 30);
        assert.notStrictEqual(a, b);
        assert.ok(a.startsWith("agents-gcp-prod-data-po"));
    });

    it("pads a short name and fixes a leading digit", () => {
        assert.match(serviceAccountId("ab"), /^ab-[0-9a-f]{6}$/);
        assert.match(serviceAccountId("1-monitoring"), /^monitoring$/);
    });
});

describe("cidrsOverlap", () => {
    it("tells overlapping from disjoint IPv4 ranges", () => {
        assert.strictEqual(cidrsOverlap("172.16.0.0/28", "10.40.0.0/16"), false);
        assert.strictEqual(cidrsOverlap("10.244.0.16/28", "10.244.0.0/14"), true);
        assert.strictEqual(cidrsOverlap("10.40.0.0/16", "10.40.255.240/28"), true);
        assert.strictEqual(cidrsOverlap("10.39.255.240/28", "10.40.0.0/16"), false);
    });
});

describe("buildGkeKubeconfig", () => {
    it("uses the endpoint, the CA and gke-gcloud-auth-plugin, with no credential in the file", () => {
        const kc = buildGkeKubeconfig({ contextName: "gke_p_r_c", endpoint: "172.16.0.2", caCertificate: "Q0E=" }) as any;
        assert.deepStrictEqual(kc.clusters, [{ name: "gke_p_r_c", cluster: { server: "https://172.16.0.2", "certificate-authority-data": "Q0E=" } }]);
        assert.strictEqual(kc["current-context"], "gke_p_r_c");
        assert.strictEqual(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
        assert.strictEqual(JSON.stringify(kc).includes("token"), false);
    });
});

describe("workloadIdentityMember", () => {
    it("names the KSA in the project's workload pool", () => {
        assert.strictEqual(workloadIdentityMember("p-123456", "ns", "sa"), "serviceAccount:p-123456.svc.id.goog[ns/sa]");
    });
});

describe("retentionRules", () => {
    it("maps every retention figure to its prefix, weeks to days, tool-managed prefixes a week later", () => {
        assert.deepStrictEqual(
            retentionRules({ ...DEFAULT_RETENTION, configBackupWeeks: 10, conversationDays: 400 }).map((r) => [r.prefix, r.days]),
            [
                [OBJECT_STORE_PREFIXES.backups, 30],
                [OBJECT_STORE_PREFIXES.config, 70],
                [OBJECT_STORE_PREFIXES.logs, 90],
                [OBJECT_STORE_PREFIXES.traces, 30],
                [OBJECT_STORE_PREFIXES.conversations, 400],
                [OBJECT_STORE_PREFIXES.metrics, 30],
                [TOOL_PREFIXES.postgres, 37],
                [TOOL_PREFIXES.mongodb, 37],
                [TOOL_PREFIXES.loki, 97],
                [TOOL_PREFIXES.tempo, 37],
            ],
        );
    });
});
