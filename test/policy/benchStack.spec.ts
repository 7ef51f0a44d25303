/**
 * The benchmark's synthetic stack (scripts/bench-policy.ts) measures the pack's throughput on the
 * path a compliant stack takes: it must draw no violation, or the figure would time message
 * formatting instead of the rules.
 */
import { strict as assert } from "assert";
import { syntheticStack } from "../../scripts/bench-policy";
import { policies } from "../../policy/policies";
import { runPolicies } from "../../policy/runner";

describe("scripts/bench-policy: the synthetic stack", () => {
    for (const n of [1000, 5000]) {
        it(`of ${n} resources is compliant with every policy`, async () => {
            const stack = syntheticStack(n);
            assert.equal(stack.length, n);
            const violations = await runPolicies(policies, stack, {});
            assert.deepEqual(
                violations.map((v) => v.message),
                [],
            );
        });
    }
});
