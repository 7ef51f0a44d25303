import * as assert from "assert";
import { planSubnets } from "../../components/aws/subnets";
import { bitsFor, formatIpv4 as formatCidr, overlap as overlaps, parseCidr, subBlock } from "../../policy/lib/cidr";

/** Every subnet lies inside the VPC and no two subnets share an address. */
function assertDisjointInside(vpc: string, subnets: string[]): void {
    const v = parseCidr(vpc);
    const parsed = subnets.map(parseCidr);
    for (const s of parsed) {
        assert.ok(s.base >= v.base && s.base + 2 ** (32 - s.prefix) <= v.base + 2 ** (32 - v.prefix), `${formatCidr(s)} is outside ${vpc}`);
    }
    for (let i = 0; i < parsed.length; i++) {
        for (let j = i + 1; j < parsed.length; j++) {
            assert.ok(!overlaps(parsed[i], parsed[j]), `${subnets[i]} overlaps ${subnets[j]}`);
        }
    }
}

describe("aws/cidr: CIDR arithmetic", () => {
    it("parses and formats round-trip, including the top of the address space", () => {
        for (const c of ["10.40.0.0/16", "0.0.0.0/0", "255.255.255.255/32", "172.16.128.0/17", "192.168.1.0/24"]) {
            assert.strictEqual(formatCidr(parseCidr(c)), c);
        }
        assert.deepStrictEqual(parseCidr("10.40.0.0/16"), { base: (10 << 24) + (40 << 16), prefix: 16 });
    });

    it("rejects malformed CIDRs naming the value", () => {
        assert.throws(() => parseCidr("10.40.0.0"), { message: 'invalid CIDR "10.40.0.0": expected a.b.c.d/prefix, e.g. 10.40.0.0/16' });
        assert.throws(() => parseCidr("10.300.0.0/16"), { message: 'invalid CIDR "10.300.0.0/16": octets must be 0-255 and the prefix 0-32' });
        assert.throws(() => parseCidr("10.0.0.0/33"), { message: 'invalid CIDR "10.0.0.0/33": octets must be 0-255 and the prefix 0-32' });
        assert.throws(() => parseCidr("10.40.1.0/16"), { message: 'invalid CIDR "10.40.1.0/16": host bits are set; the network address is 10.40.0.0/16' });
    });

    it("cuts sub-blocks and refuses out-of-range indexes", () => {
        const vpc = parseCidr("10.40.0.0/16");
        assert.strictEqual(formatCidr(subBlock(vpc, 18, 0)), "10.40.0.0/18");
        assert.strictEqual(formatCidr(subBlock(vpc, 18, 3)), "10.40.192.0/18");
        assert.strictEqual(formatCidr(subBlock(vpc, 24, 255)), "10.40.255.0/24");
        assert.throws(() => subBlock(vpc, 18, 4), { message: "10.40.0.0/16 has 4 /18 blocks; index 4 is out of range" });
        assert.throws(() => subBlock(vpc, 15, 0), { message: "cannot cut 10.40.0.0/16 into /15 blocks" });
    });

    it("counts the bits needed to number n things", () => {
        assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 8, 9].map(bitsFor), [0, 0, 1, 2, 2, 3, 3, 4]);
    });

    it("detects overlap", () => {
        assert.ok(overlaps(parseCidr("10.0.0.0/16"), parseCidr("10.0.128.0/17")));
        assert.ok(!overlaps(parseCidr("10.0.0.0/17"), parseCidr("10.0.128.0/17")));
    });
});

describe("aws/cidr: planSubnets", () => {
    it("gives three zones of a /16 a /18 private subnet each and /20 public subnets in the spare /18", () => {
        assert.deepStrictEqual(planSubnets("10.40.0.0/16", 3), {
            privateCidrs: ["10.40.0.0/18", "10.40.64.0/18", "10.40.128.0/18"],
            publicCidrs: ["10.40.192.0/20", "10.40.208.0/20", "10.40.224.0/20"],
        });
    });

    it("plans the dev VPC the same way", () => {
        assert.deepStrictEqual(planSubnets("10.50.0.0/16", 3), {
            privateCidrs: ["10.50.0.0/18", "10.50.64.0/18", "10.50.128.0/18"],
            publicCidrs: ["10.50.192.0/20", "10.50.208.0/20", "10.50.224.0/20"],
        });
    });

    it("scales with the zone count: 2, 4 and 1 zones", () => {
        assert.deepStrictEqual(planSubnets("10.0.0.0/16", 2), {
            privateCidrs: ["10.0.0.0/18", "10.0.64.0/18"],
            publicCidrs: ["10.0.192.0/19", "10.0.224.0/19"],
        });
        assert.deepStrictEqual(planSubnets("10.0.0.0/16", 4), {
            privateCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
            publicCidrs: ["10.0.224.0/21", "10.0.232.0/21", "10.0.240.0/21", "10.0.248.0/21"],
        });
        assert.deepStrictEqual(planSubnets("10.0.0.0/16", 1), { privateCidrs: ["10.0.0.0/17"], publicCidrs: ["10.0.128.0/17"] });
    });

    it("keeps every subnet inside the VPC and disjoint, for every size and zone count", () => {
        for (const vpc of ["10.40.0.0/16", "172.31.0.0/20", "192.168.0.0/22", "10.0.0.0/24"]) {
            for (const zones of [1, 2, 3, 4, 5, 6]) {
                let plan;
                try {
                    plan = planSubnets(vpc, zones);
                } catch (e) {
                    assert.match((e as Error).message, /is too small for \d zones/);
                    continue;
                }
                assert.strictEqual(plan.privateCidrs.length, zones);
                assert.strictEqual(plan.publicCidrs.length, zones);
                assertDisjointInside(vpc, [...plan.privateCidrs, ...plan.publicCidrs]);
            }
        }
    });

    it("refuses a VPC too small for AWS's /28 minimum subnet, saying how large it must be", () => {
        assert.deepStrictEqual(planSubnets("10.0.0.0/24", 3).publicCidrs, ["10.0.0.192/28", "10.0.0.208/28", "10.0.0.224/28"]);
        assert.throws(() => planSubnets("10.0.0.0/25", 3), {
            message: "VPC 10.0.0.0/25 is too small for 3 zones: public subnets would be /29, AWS allows at most /28; use a /24 or larger",
        });
    });

    it("refuses a VPC larger than /16, a bad CIDR and a zone count below one", () => {
        assert.throws(() => planSubnets("10.0.0.0/15", 3), { message: "VPC 10.0.0.0/15 is larger than AWS allows: a VPC is /16 to /28" });
        assert.throws(() => planSubnets("10.0.0.0", 3), { message: 'invalid CIDR "10.0.0.0": expected a.b.c.d/prefix, e.g. 10.40.0.0/16' });
        assert.throws(() => planSubnets("10.0.0.0/16", 0), { message: "cannot plan subnets for 0 zones; need at least 1" });
    });
});
