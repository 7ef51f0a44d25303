/**
 * The cross-region copy is on by default in prod inside the components themselves (issue 14: "on
 * by default in prod"), so a platform team's program with only the required arguments passes the
 * pack's data-backup-enforce-cross-region; "none" switches it off; dev has none.
 */
import { strict as assert } from "assert";
import { eksClusterArgProblems, resolveEksClusterArgs } from "../../components/aws/args";
import { aksClusterArgProblems, resolveAksClusterArgs } from "../../components/azure/args";
import { DR_OFF, DR_PAIRS, resolveDrRegion } from "../../components/defaults";
import { gkeClusterArgProblems, resolveGkeClusterArgs } from "../../components/gcp/args";

const eks = { region: "eu-west-1", zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], adminPrincipalArns: ["arn:aws:iam::111122223333:role/admins"] };
const gke = { project: "acme-agents-prod", region: "europe-west4", zones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"] };
const aks = { location: "westeurope", adminGroupObjectIds: ["0b6d3c1e-7f42-4a8e-9d15-3e2f8a6c4b90"] };

describe("components: drRegion defaults", () => {
    it("prod without drRegion copies to the region's pair on every cloud", () => {
        assert.equal(resolveEksClusterArgs(eks).drRegion, DR_PAIRS.aws["eu-west-1"]);
        assert.equal(resolveGkeClusterArgs(gke).drRegion, DR_PAIRS.gcp["europe-west4"]);
        assert.equal(resolveAksClusterArgs(aks).drRegion, DR_PAIRS.azure.westeurope);
    });

    it(`"${DR_OFF}" switches the copy off and passes each validator; dev has no copy by default`, () => {
        assert.equal(resolveEksClusterArgs({ ...eks, drRegion: DR_OFF }).drRegion, undefined);
        assert.equal(resolveGkeClusterArgs({ ...gke, drRegion: DR_OFF }).drRegion, undefined);
        assert.equal(resolveAksClusterArgs({ ...aks, drRegion: DR_OFF }).drRegion, undefined);
        assert.deepEqual(eksClusterArgProblems({ ...eks, drRegion: DR_OFF }), []);
        assert.deepEqual(gkeClusterArgProblems({ ...gke, drRegion: DR_OFF }), []);
        assert.deepEqual(aksClusterArgProblems({ ...aks, drRegion: DR_OFF }), []);
        assert.equal(resolveEksClusterArgs({ ...eks, environment: "dev" }).drRegion, undefined);
    });

    it("an explicit region wins; a region without a pair has no default", () => {
        assert.equal(resolveEksClusterArgs({ ...eks, drRegion: "eu-north-1" }).drRegion, "eu-north-1");
        assert.equal(resolveDrRegion("aws", "prod", "me-south-1", undefined), undefined);
    });
});
