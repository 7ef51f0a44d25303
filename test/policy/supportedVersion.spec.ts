/** nodes-cluster-enforce-supported-version: the dated support table per cloud, the date of evaluation. */
import * as assert from "assert";
import { knownMinors, minorOf, STANDARD_SUPPORT_END, supportStatus, todayIso } from "../../policy/catalog/kubernetesVersions";
import { DEFAULT_KUBERNETES_VERSION } from "../../components/defaults";
import { aksAgentPool, aksStack, eksStack, get, gkeStack } from "./fixtures";
import { check, mutate, none, one, Res } from "./helpers";

const rule = "nodes-cluster-enforce-supported-version";
const ON = { evaluationDate: "2026-11-30" };
const p = (list: Res[], name: string): any => get(list, name).props;
const DOKS = "digitalocean:index/kubernetesCluster:KubernetesCluster";

/** Every cluster and pool of the three fixtures pinned to `minor`. */
function pinned(minor: string): Res[] {
    return mutate([...eksStack(), ...gkeStack(), ...aksStack(), aksAgentPool()], (x) => {
        p(x, "eks").version = minor;
        p(x, "ng").version = minor;
        p(x, "gke").minMasterVersion = minor;
        p(x, "aks").kubernetesVersion = minor;
    });
}

describe("policy nodes-cluster-enforce-supported-version", () => {
    it("passes EKS, GKE and AKS clusters and pools on 1.35 on 2026-11-30", async () => none(await check(rule, pinned("1.35"), ON)));
    it("passes a DOKS cluster on the 1.36 patch slug DigitalOcean reports", async () =>
        none(await check(rule, [{ type: DOKS, name: "doks", props: { version: "1.36.1-do.0" } }], ON)));
    it("passes a cluster that pins no version (the cloud's newest default)", async () =>
        none(
            await check(
                rule,
                mutate(eksStack(), (x) => delete p(x, "eks").version),
                ON,
            ),
        ));

    it("rejects EKS 1.33 on 2026-11-30, naming the end date and the supported minors", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "eks").version = "1.33"));
        one(
            await check(
                rule,
                s.filter((r) => r.name !== "ng"),
                ON,
            ),
            'Cluster "eks" runs Kubernetes 1.33, past its aws standard support (ended 2026-07-29)',
            'found version "1.33" on 2026-11-30',
            "1.34 (until 2026-12-02), 1.35 (until 2027-03-27)",
            "set kubernetesVersion to 1.35",
        );
    });
    it("rejects an EKS node group left on 1.33 under a 1.35 control plane", async () => {
        const s = mutate(eksStack(), (x) => {
            p(x, "eks").version = "1.35";
            p(x, "ng").version = "1.33";
        });
        one(await check(rule, s, ON), 'NodeGroup "ng" runs Kubernetes 1.33');
    });
    it("rejects GKE 1.34 once GKE's standard support ended (2026-10-01)", async () => {
        const s = mutate(gkeStack(), (x) => (p(x, "gke").minMasterVersion = "1.34"));
        one(await check(rule, s, ON), "past its gcp standard support (ended 2026-10-01)", 'minMasterVersion "1.34"');
    });
    it("rejects AKS 1.34 from the first day of its end-of-life month (November 2026)", async () => {
        const s = mutate(aksStack(), (x) => (p(x, "aks").kubernetesVersion = "1.34"));
        one(await check(rule, s, ON), "past its azure standard support (ended 2026-11-01)");
        none(await check(rule, s, { evaluationDate: "2026-10-31" }));
    });
    it("rejects an AKS agent pool whose orchestratorVersion lags", async () => {
        const s = mutate([aksAgentPool()], (x) => (x[0].props.orchestratorVersion = "1.33.2"));
        one(await check(rule, s, ON), "runs Kubernetes 1.33, past its azure standard support (ended 2026-06-01)", 'orchestratorVersion "1.33.2"');
    });
    it("rejects a DOKS cluster past the upstream end of life", async () => {
        one(
            await check(rule, [{ type: DOKS, name: "doks", props: { version: "1.34.5-do.1" } }], ON),
            "past its digitalocean standard support (ended 2026-10-27)",
        );
    });
    it("rejects a minor its cloud's table does not list, saying how to add it", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "eks").version = "1.36"));
        one(
            await check(
                rule,
                s.filter((r) => r.name !== "ng"),
                ON,
            ),
            "which the aws support table does not list",
            "add 1.36 with its published end date to supportTable.aws",
        );
    });
    it("judges on the configured date: EKS 1.34 passes on 2026-12-01 and fails on 2026-12-02", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "eks").version = "1.34")).filter((r) => r.name !== "ng");
        none(await check(rule, s, { evaluationDate: "2026-12-01" }));
        one(await check(rule, s, { evaluationDate: "2026-12-02" }), "ended 2026-12-02");
    });
    it("takes a site's own support table from config", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "eks").version = "1.36")).filter((r) => r.name !== "ng");
        none(await check(rule, s, { ...ON, supportTable: { ...STANDARD_SUPPORT_END, aws: { "1.36": "2027-07-31" } } }));
    });
    it("defaults the date of evaluation to today's date at run time", async () => {
        // Relative to the clock: a minor ending tomorrow passes today, one ending today fails.
        const today = todayIso();
        const tomorrow = todayIso(new Date(Date.now() + 86_400_000));
        const s = mutate(eksStack(), (x) => (p(x, "eks").version = "1.35")).filter((r) => r.name !== "ng");
        none(await check(rule, s, { supportTable: { aws: { "1.35": tomorrow } } }));
        one(await check(rule, s, { supportTable: { aws: { "1.35": today } } }), `ended ${today}`);
    });
    it("reports a malformed evaluationDate instead of judging", async () => {
        one(
            await check(
                rule,
                pinned("1.35").filter((r) => r.name === "eks"),
                { evaluationDate: "30/11/2026" },
            ),
            'evaluationDate "30/11/2026"',
        );
    });
});

describe("policy/catalog/kubernetesVersions", () => {
    it("every cloud's default pin is in standard support on 2026-11-30", () => {
        for (const cloud of ["aws", "gcp", "azure", "digitalocean", "existing"] as const) {
            const pin = DEFAULT_KUBERNETES_VERSION[cloud];
            assert.strictEqual(supportStatus(STANDARD_SUPPORT_END[cloud], pin, "2026-11-30").status, "supported", `${cloud} ${pin}`);
        }
    });
    it("lists minors oldest first and reads minors out of patch slugs", () => {
        assert.deepStrictEqual(knownMinors("aws"), ["1.31", "1.32", "1.33", "1.34", "1.35"]);
        assert.deepStrictEqual(["1.35", "1.35.2-gke.100", "1.36.1-do.0", "v1.35", "2.0"].map(minorOf), ["1.35", "1.35", "1.36", undefined, undefined]);
    });
});
