/** `platform.chartMirror`: a folder must hold every chart the configuration installs; repositories are taken as given. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig, StackConfigError } from "../../config";
import { main } from "../../preview/cli";
import { testMirror } from "../support/charts";
import { goodAws } from "./fixtures";

function config(platform: Record<string, unknown>): Record<string, unknown> {
    const base = goodAws();
    return { ...base, platform: { ...(base.platform as object), ...platform } };
}

function problems(raw: Record<string, unknown>): { key: string; message: string }[] {
    try {
        parseStackConfig("test", raw, new Set());
    } catch (e) {
        assert.ok(e instanceof StackConfigError, String(e));
        return e.problems;
    }
    return [];
}

describe("config platform.chartMirror", () => {
    it("accepts a complete folder mirror, an OCI prefix and an HTTPS repository", () => {
        for (const chartMirror of [testMirror(), "oci://registry.example.com/charts", "https://charts.example.com"]) {
            assert.deepStrictEqual(problems(config({ chartMirror })), [], chartMirror);
            assert.strictEqual(parseStackConfig("t", config({ chartMirror }), new Set()).platform.chartMirror, chartMirror);
        }
    });

    it("names every archive a folder lacks for the charts this configuration installs, with the helm pull that writes it", () => {
        const partial = fs.mkdtempSync(path.join(os.tmpdir(), "partial-mirror-"));
        fs.copyFileSync(path.join(testMirror(), "loki-18.11.0.tgz"), path.join(partial, "loki-18.11.0.tgz"));
        const found = problems(config({ chartMirror: partial }));
        assert.ok(found.every((p) => p.key === "platform.chartMirror"));
        assert.ok(!found.some((p) => p.message.includes("loki-")), "loki is there");
        const certManager = found.find((p) => p.message.includes("cert-manager-v1.21.1.tgz"));
        assert.ok(certManager, JSON.stringify(found));
        assert.match(certManager.message, /helm pull cert-manager --repo https:\/\/charts\.jetstack\.io --version v1\.21\.1/);
        assert.ok(!found.some((p) => p.message.includes("argo-cd")), "add-ons that are off are not required");
    });

    it("asks for an add-on's chart only when the add-on is on: falco 9.2.0 is the shared mirror's known gap", () => {
        const found = problems(config({ chartMirror: testMirror(), addons: { falco: true } }));
        assert.deepStrictEqual(
            found.map((p) => p.key),
            ["platform.chartMirror"],
        );
        assert.match(found[0].message, /has no falco-9\.2\.0\.tgz \(chart falco\)/);
    });

    it("velero 12.1.0 is not in the shared mirror either: asked for only with platform.addons.velero on, with the helm pull that writes it", () => {
        assert.deepStrictEqual(problems(config({ chartMirror: testMirror() })), []);
        const found = problems(config({ chartMirror: testMirror(), addons: { velero: true } }));
        assert.deepStrictEqual(
            found.map((p) => p.key),
            ["platform.chartMirror"],
        );
        assert.match(
            found[0].message,
            /has no velero-12\.1\.0\.tgz \(chart velero\); `helm pull velero --repo https:\/\/vmware-tanzu\.github\.io\/helm-charts --version 12\.1\.0` writes it/,
        );
    });

    it("refuses a folder that does not exist, and a value that is not a string", () => {
        assert.match(problems(config({ chartMirror: "/no/such/mirror" }))[0].message, /is not a folder/);
        assert.deepStrictEqual(
            problems(config({ chartMirror: 42 })).map((p) => p.key),
            ["platform.chartMirror"],
        );
    });

    it("the preview exits 2 naming the missing archive, before any resource", async () => {
        const err: string[] = [];
        const code = await main(["--stack", "aws-prod", "--no-render"], { out: () => undefined, err: (s) => err.push(s) }).then(async (ok) => {
            assert.strictEqual(ok, 0, err.join(""));
            err.length = 0;
            return main(["--stack", "onprem-prod", "--no-render"], { out: () => undefined, err: (s) => err.push(s) });
        });
        assert.notStrictEqual(code, 2, err.join(""));
    });
});
