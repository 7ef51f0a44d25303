/** The agents' internet egress: destinations, what is always excepted, and the config key's errors. */
import * as assert from "assert";
import { agentEgressPeers, egressDestinationDefect } from "../../components/platform/egress";
import { LAYOUT } from "../../components/platform/layout";
import { namespacePolicies } from "../../components/platform/networkPolicies";
import { FLOWS } from "../../components/platform/layout";
import { contains, parseIpv4 } from "../../policy/lib/cidr";

const METADATA = parseIpv4("169.254.169.254/32")!;

/** Whether an ipBlock peer lets `addr` through. */
function allows(peer: { ipBlock: { cidr: string; except?: string[] } }, addr: string): boolean {
    const a = parseIpv4(addr)!;
    return contains(parseIpv4(peer.ipBlock.cidr)!, a) && !(peer.ipBlock.except ?? []).some((x) => contains(parseIpv4(x)!, a));
}

describe("platform agent egress", () => {
    it("excepts the metadata endpoint, private, shared and the cluster's ranges from 0.0.0.0/0", () => {
        const [peer] = agentEgressPeers(["0.0.0.0/0"], ["10.40.0.0/16", "10.244.0.0/14", "10.96.0.0/16"]);
        assert.strictEqual(peer.ipBlock.cidr, "0.0.0.0/0");
        assert.ok(!allows(peer, "169.254.169.254/32"), "cloud metadata endpoint");
        assert.ok(!allows(peer, "168.63.129.16/32"), "Azure WireServer");
        for (const inCluster of ["10.40.3.7/32", "10.244.1.2/32", "10.96.0.10/32", "192.168.1.1/32", "172.20.0.1/32", "100.64.0.1/32"]) {
            assert.ok(!allows(peer, inCluster), inCluster);
        }
        assert.ok(allows(peer, "140.82.112.3/32"), "GitHub");
        // The cluster's ranges nest in 10.0.0.0/8, so they are not listed twice.
        assert.ok(!(peer.ipBlock.except ?? []).includes("10.40.0.0/16"));
    });
    it("takes a public cluster range into the except list", () => {
        const [peer] = agentEgressPeers(["0.0.0.0/0"], ["203.0.113.0/24"]);
        assert.ok((peer.ipBlock.except ?? []).includes("203.0.113.0/24"));
        assert.ok(!allows(peer, "203.0.113.9/32"));
    });
    it("lists only the excepted ranges inside each destination (the API server rejects others)", () => {
        assert.deepStrictEqual(agentEgressPeers(["140.82.112.0/20", "0.0.0.0/1"], []), [
            { ipBlock: { cidr: "140.82.112.0/20" } },
            { ipBlock: { cidr: "0.0.0.0/1", except: ["10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "0.0.0.0/8"] } },
        ]);
    });
    it("refuses destinations inside an excepted range, naming it", () => {
        assert.match(egressDestinationDefect("169.254.169.254/32", []) ?? "", /inside 169\.254\.0\.0\/16 \(link-local: the cloud metadata endpoint/);
        assert.match(egressDestinationDefect("10.1.0.0/16", []) ?? "", /inside 10\.0\.0\.0\/8/);
        assert.match(egressDestinationDefect("203.0.113.0/25", ["203.0.113.0/24"]) ?? "", /the cluster's own network range/);
        assert.strictEqual(egressDestinationDefect("0.0.0.0/0", ["10.40.0.0/16"]), undefined);
        assert.strictEqual(egressDestinationDefect("140.82.112.0/20", []), undefined);
    });
    it("is a NetworkPolicy only the agents and Ollama get, with the given destinations", () => {
        const peers = agentEgressPeers(["140.82.112.0/20"], []);
        for (const c of Object.keys(LAYOUT)) {
            const docs = namespacePolicies(c, LAYOUT, FLOWS, { agentEgress: peers });
            const egress = docs.find((d) => d.name === "allow-agent-internet-egress");
            assert.strictEqual(!!egress, ["jamie", "scarlet", "ollama"].includes(c), c);
            if (egress) {
                assert.deepStrictEqual(egress.spec.egress, [{ to: peers, ports: [{ protocol: "TCP", port: 443 }] }]);
                assert.ok(!allows(egress.spec.egress![0].to[0] as never, "169.254.169.254/32"));
            }
        }
        assert.ok(contains(parseIpv4("0.0.0.0/0")!, METADATA));
    });
});
