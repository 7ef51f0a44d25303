/**
 * Mocked runs drop the providers' version aliases (preview/harness.ts `aliasMode`): the run must
 * register exactly the same resources, inputs, options and outputs as with the aliases kept, and
 * an alias a program writes itself must survive.
 */
import { strict as assert } from "assert";
import { aliasMode, isVersionAlias, runProgram, type RunResult } from "../../preview/harness";
import { withEnv } from "../support/env";
import { stackRun } from "../support/stacks";

function keptRun(stack: string): Promise<RunResult> {
    return withEnv("MOCK_ALIASES", "keep", () => runProgram({ stack }));
}

describe("preview/harness: version aliases in mocked runs", function () {
    this.timeout(120_000);

    it("are dropped by default and kept with MOCK_ALIASES=keep", () => {
        assert.equal(aliasMode({}), "drop");
        assert.equal(aliasMode({ MOCK_ALIASES: "keep" }), "keep");
    });

    it("are only a provider's older tokens of the same resource, never a program's own aliases", () => {
        const t = "azure-native:containerservice:ManagedCluster";
        assert.equal(isVersionAlias(t, { type: "azure-native:containerservice/v20170831:ManagedCluster" }), true);
        assert.equal(isVersionAlias("kubernetes:apps/v1:Deployment", { type: "kubernetes:extensions/v1beta1:Deployment" }), true);
        assert.equal(isVersionAlias(t, { name: "old-name" }), false, "a rename");
        assert.equal(isVersionAlias(t, { type: t }), false, "the same token");
        assert.equal(isVersionAlias(t, { type: "azure-nextgen:containerservice/v20170831:ManagedCluster" }), false, "another package");
        assert.equal(isVersionAlias(t, { type: "azure-native:containerservice:AgentPool" }), false, "another resource");
        assert.equal(isVersionAlias(t, { type: "azure-native:containerservice/v20170831:ManagedCluster", parent: "urn:x" }), false, "more than a type");
        assert.equal(isVersionAlias(t, "urn:pulumi:s::p::azure-native:containerservice/v20170831:ManagedCluster::c"), false, "a URN");
    });

    for (const stack of ["azure-prod", "local"]) {
        it(`leave ${stack}'s run unchanged: the same resources, inputs, options and outputs as with them kept`, async () => {
            const [dropped, kept] = [await stackRun(stack), await keptRun(stack)];
            assert.ok(dropped.resources.length > 100);
            assert.deepEqual(dropped.resources, kept.resources);
            assert.deepEqual(dropped.redactedOutputs, kept.redactedOutputs);
            assert.deepEqual(dropped.log, kept.log);
        });
    }
});
