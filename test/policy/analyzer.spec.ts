/**
 * The pack as the Pulumi engine runs it: build policy/ to JavaScript, start it in its own process
 * with @pulumi/pulumi's policy-pack runner (`run-policy-pack <engine-address> <pack dir>`, cwd the
 * pack), read the port it prints, and talk to it over the analyzer gRPC protocol.
 */
import * as assert from "assert";
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../../policy/policies";
import { buildPack, startPack } from "../../scripts/bench-policy";

const { rootNamesUsedByPolicy } = require("../../scripts/build-policy.js") as { rootNamesUsedByPolicy(): string[] };
const PACK_MAIN = path.join(__dirname, "..", "..", "policy", "bin", "index.js");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb.js");

function call<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](req, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))));
}

function options(): any {
    const o = new analyzerPb.AnalyzerResourceOptions();
    o.setProtect(false);
    return o;
}

describe("policy pack over the analyzer gRPC protocol", function () {
    this.timeout(120000);
    let proc: ChildProcess;
    let client: any;
    let port = 0;
    before(async () => {
        buildPack();
        const s = await startPack();
        proc = s.proc;
        port = s.port;
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${s.port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        proc?.kill();
    });

    // How fast it starts is measured by the benchmark (npm run bench), never asserted here: a test
    // must not depend on the machine's speed (issue 11 case 15).
    it("starts from the bundled JavaScript and listens on the port it printed", () => {
        assert.ok(Number.isInteger(port) && port > 0, `port ${port}`);
        assert.strictEqual(proc.exitCode, null, "the pack process exited");
    });

    it("is one bundled file that requires packages only, never the SDK's root (which loads its whole automation API)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policy", "package.json"), "utf8")) as { main: string };
        assert.strictEqual(path.resolve(__dirname, "..", "..", "policy", pkg.main), PACK_MAIN);
        assert.deepStrictEqual(fs.readdirSync(path.dirname(PACK_MAIN)).sort(), ["index.js", "index.js.map"]);
        const required = [...fs.readFileSync(PACK_MAIN, "utf8").matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
        assert.ok(required.length > 0);
        assert.deepStrictEqual(
            required.filter((r) => r.startsWith(".") || r === "@pulumi/pulumi" || r.startsWith("@pulumi/policy")),
            [],
        );
        assert.ok(required.includes("@pulumi/pulumi/output") && required.includes("@pulumi/pulumi/asset"), required.join(", "));
    });

    it("the SDK root's stand-in exports every name @pulumi/policy reads from the root", () => {
        const shim = require("../../policy/lib/pulumiRoot.js") as Record<string, unknown>;
        const names = rootNamesUsedByPolicy();
        assert.ok(names.includes("Output") && names.includes("asset"), names.join(", "));
        for (const n of names) {
            assert.ok(shim[n] !== undefined, `policy/lib/pulumiRoot.js does not export ${n}`);
        }
    });

    it("GetAnalyzerInfo lists every policy with its description and config schema", async () => {
        const info = await call<any>(client, "getAnalyzerInfo", new emptyPb.Empty());
        assert.strictEqual(info.getName(), "agent-platform");
        const got = info.getPoliciesList().map((p: any) => ({
            name: p.getName(),
            description: p.getDescription(),
            schema: Object.keys(p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}).sort(),
        }));
        const want = policies.map((p) => ({ name: p.name, description: p.description, schema: Object.keys(p.configSchema?.properties ?? {}).sort() }));
        assert.deepStrictEqual(got, want);
        const machine = info.getPoliciesList().find((p: any) => p.getName() === "nodes-pool-enforce-machine-size");
        assert.strictEqual(machine.getConfigschema().getProperties().toJavaScript().minVcpu.default, 4);
    });

    it("Analyze rejects an EKS cluster without secrets encryption, as mandatory", async () => {
        const req = new analyzerPb.AnalyzeRequest();
        req.setType("aws:eks/cluster:Cluster");
        req.setName("eks");
        req.setUrn("urn:pulumi:prod::agent-platform::aws:eks/cluster:Cluster::eks");
        req.setProperties(
            Struct.fromJavaScript({
                name: "prod",
                enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                vpcConfig: { endpointPublicAccess: false, subnetIds: [] },
            }),
        );
        req.setOptions(options());
        const res = await call<any>(client, "analyze", req);
        const d = res.getDiagnosticsList().map((x: any) => ({ policy: x.getPolicyname(), level: x.getEnforcementlevel(), message: x.getMessage() }));
        assert.deepStrictEqual(
            d.map((x: any) => x.policy),
            ["secrets-ekscluster-enforce-kms-encryption"],
        );
        assert.strictEqual(d[0].level, analyzerPb.EnforcementLevel.MANDATORY);
        assert.match(d[0].message, /Cluster "eks" stores Secrets without envelope encryption: found encryptionConfig not set/);
    });

    it("AnalyzeStack rejects a node group of t3.large, and Configure makes it advisory", async () => {
        const res = (type: string, name: string, props: Record<string, unknown>) => {
            const r = new analyzerPb.AnalyzerResource();
            r.setType(type);
            r.setName(name);
            r.setUrn(`urn:pulumi:prod::agent-platform::${type}::${name}`);
            r.setProperties(Struct.fromJavaScript(props as never));
            r.setOptions(options());
            return r;
        };
        const req = new analyzerPb.AnalyzeStackRequest();
        req.setResourcesList([
            res("aws:eks/nodeGroup:NodeGroup", "ng", {
                clusterName: "prod",
                instanceTypes: ["t3.large"],
                diskSize: 100,
                scalingConfig: { minSize: 3, maxSize: 3, desiredSize: 3 },
                subnetIds: [],
            }),
        ]);
        const first = await call<any>(client, "analyzeStack", req);
        const machine = first.getDiagnosticsList().filter((x: any) => x.getPolicyname() === "nodes-pool-enforce-machine-size");
        assert.strictEqual(machine.length, 1);
        assert.strictEqual(machine[0].getEnforcementlevel(), analyzerPb.EnforcementLevel.MANDATORY);
        assert.match(machine[0].getMessage(), /machine type "t3.large" is too small \(2 vCPU < 4, 8 GiB < 16 GiB\)/);

        const conf = new analyzerPb.ConfigureAnalyzerRequest();
        const pc = new analyzerPb.PolicyConfig();
        pc.setEnforcementlevel(analyzerPb.EnforcementLevel.ADVISORY);
        pc.setProperties(Struct.fromJavaScript({ minVcpu: 4, minMemoryGib: 16, machineSizes: {}, exemptNames: [], exemptNamespaces: [] }));
        conf.getPolicyconfigMap().set("nodes-pool-enforce-machine-size", pc);
        await call(client, "configure", conf);
        const second = await call<any>(client, "analyzeStack", req);
        const again = second.getDiagnosticsList().filter((x: any) => x.getPolicyname() === "nodes-pool-enforce-machine-size");
        assert.deepStrictEqual(
            again.map((x: any) => x.getEnforcementlevel()),
            [analyzerPb.EnforcementLevel.ADVISORY],
        );
    });
});
