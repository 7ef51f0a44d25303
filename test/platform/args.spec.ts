/**
 * Platform's own API (components/platform/args.ts): the pure validator, one problem per case,
 * every problem at once; the defaults a minimal program gets.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTarget } from "../../components/contract";
import { DEFAULT_RETENTION } from "../../components/defaults";
import { Platform, platformArgProblems, PlatformArgs, resolvePlatformArgs } from "../../components/platform";
import { runWithMocks } from "../../preview/harness";
import { thrown } from "../contract/records";
import { fakeTarget } from "./fakeTarget";

/** Enough of a target for the pure validator (it only asks whether there is one, with a provider). */
const TARGET = { provider: {} } as unknown as ClusterTarget;
const minimal = (): PlatformArgs => ({
    target: TARGET,
    domain: "agents.example.com",
    acmeEmail: "ops@example.com",
    jamie: { repository: "ghcr.io/acme/jamie", tag: "1.4.2" },
    scarlet: { repository: "ghcr.io/acme/scarlet", tag: "2.1.0" },
});
const problemsWith = (over: Partial<PlatformArgs>) => platformArgProblems({ ...minimal(), ...over });

describe("platform/args: platformArgProblems", () => {
    it("accepts the minimal arguments (target, domain, ACME e-mail, the two images)", () => {
        assert.deepStrictEqual(platformArgProblems(minimal()), []);
    });

    const cases: { title: string; over: Partial<PlatformArgs>; path: string; reason: string }[] = [
        {
            title: "no target",
            over: { target: undefined as never },
            path: "target",
            reason: "found nothing; the ClusterTarget of a cluster component (EksCluster.target, GkeCluster.target, ...)",
        },
        {
            title: "a domain that is no DNS name",
            over: { domain: "Agents.Example.com" },
            path: "domain",
            reason: 'found "Agents.Example.com"; must be a lower-case DNS name such as agents.example.com',
        },
        { title: "an ACME e-mail that is none", over: { acmeEmail: "ops" }, path: "acmeEmail", reason: 'found "ops"; must be an e-mail address' },
        {
            title: "an image with its tag in the repository",
            over: { jamie: { repository: "ghcr.io/acme/jamie:1.4.2", tag: "1.4.2" } },
            path: "jamie.repository",
            reason: 'found "ghcr.io/acme/jamie:1.4.2"; must be an image repository such as ghcr.io/acme/jamie (no tag)',
        },
        {
            title: "the latest tag",
            over: { scarlet: { repository: "ghcr.io/acme/scarlet", tag: "latest" } },
            path: "scarlet.tag",
            reason: 'found "latest"; must be a pinned image tag such as 1.4.2 (latest is not allowed)',
        },
        {
            title: "an unknown issuer",
            over: { issuer: "vault" as never },
            path: "issuer",
            reason: 'found "vault"; allowed: letsencrypt-prod, letsencrypt-staging, private-ca',
        },
        {
            title: "an unknown add-on",
            over: { addons: { linkerd: true } as never },
            path: "addons.linkerd",
            reason: "unknown add-on; allowed: argocd, istio, falco, externalSecrets, velero",
        },
        {
            title: "an add-on switch that is no boolean",
            over: { addons: { falco: "yes" as never } },
            path: "addons.falco",
            reason: 'found "yes"; must be true or false',
        },
        {
            title: "an empty chart mirror",
            over: { chartMirror: "" },
            path: "chartMirror",
            reason: 'found ""; a folder of helm pull archives, an oci:// prefix or an https:// chart repository',
        },
        {
            title: "no egress destination",
            over: { agentEgressCidrs: [] },
            path: "agentEgressCidrs",
            reason: "found none; at least one destination, e.g. 0.0.0.0/0 or your services' published ranges",
        },
        {
            title: "an egress destination twice",
            over: { agentEgressCidrs: ["140.82.112.0/20", "140.82.112.0/20"] },
            path: "agentEgressCidrs[1]",
            reason: 'found "140.82.112.0/20" twice; list each destination once',
        },
        {
            title: "an egress destination that is no CIDR",
            over: { agentEgressCidrs: ["github.com"] },
            path: "agentEgressCidrs[0]",
            reason: 'found "github.com"; must be an IPv4 CIDR such as 10.40.0.0/16',
        },
        {
            title: "a cluster range that is no CIDR",
            over: { clusterCidrs: ["10.40.0.1/16"] },
            path: "clusterCidrs[0]",
            reason: 'found "10.40.0.1/16"; host bits are set, the network address is 10.40.0.0/16',
        },
        { title: "an unknown environment", over: { environment: "staging" as never }, path: "environment", reason: 'found "staging"; allowed: prod, dev' },
        {
            title: "a retention of zero days",
            over: { retention: { metricsDays: 0 } },
            path: "retention.metricsDays",
            reason: "found 0; must be a whole number from 1 to 3650",
        },
        {
            title: "a protectStateful that is no boolean",
            over: { protectStateful: "yes" as never },
            path: "protectStateful",
            reason: 'found "yes"; must be true or false',
        },
        {
            title: "a password rotation of zero days",
            over: { passwordRotationDays: 0 },
            path: "passwordRotationDays",
            reason: "found 0; must be a whole number of days from 1 to 3650",
        },
        {
            title: "an alert e-mail without its relay",
            over: { alerting: { emailTo: "oncall@example.com", emailFrom: "alerts@example.com" } },
            path: "alerting.smtpSmarthost",
            reason: "missing; e-mail alerts (alerting.emailTo) need alerting.emailFrom and alerting.smtpSmarthost",
        },
        {
            title: "a Slack channel without its webhook",
            over: { alerting: { slackChannel: "#platform-alerts" } },
            path: "alerting.slackChannel",
            reason: "found, but alerting.slackWebhookUrl is not set; set the webhook (secret) or remove it",
        },
        {
            title: "a relay that is no host:port",
            over: { alerting: { emailTo: "oncall@example.com", emailFrom: "alerts@example.com", smtpSmarthost: "smtp.example.com" } },
            path: "alerting.smtpSmarthost",
            reason: 'found "smtp.example.com"; must be host:port of an SMTP relay such as smtp.example.com:587',
        },
    ];
    for (const c of cases) {
        it(`rejects ${c.title}, naming the argument, the value and what is allowed`, () => {
            assert.deepStrictEqual(problemsWith(c.over), [{ propertyPath: c.path, reason: c.reason }]);
        });
    }

    it("refuses an egress destination inside the excepted ranges, naming why", () => {
        const [p] = problemsWith({ agentEgressCidrs: ["10.1.0.0/16"] });
        assert.strictEqual(p.propertyPath, "agentEgressCidrs[0]");
        assert.match(p.reason, /^found "10\.1\.0\.0\/16"; .*RFC 1918 private.*\. Allowed: public IPv4 ranges \(e\.g\. 140\.82\.112\.0\/20\) or 0\.0\.0\.0\/0$/);
    });

    it("reports every problem at once", () => {
        assert.deepStrictEqual(
            problemsWith({ domain: "x", acmeEmail: "y", issuer: "vault" as never, passwordRotationDays: -1 }).map((p) => p.propertyPath),
            ["domain", "acmeEmail", "issuer", "passwordRotationDays"],
        );
    });
});

describe("platform/args: defaults", () => {
    it("resolves a minimal program to the production defaults", () => {
        const a = resolvePlatformArgs({ ...minimal(), addons: { falco: true } });
        assert.strictEqual(a.environment, "prod");
        assert.strictEqual(a.issuer, "letsencrypt-prod");
        assert.deepStrictEqual(a.addons, { argocd: false, istio: false, falco: true, externalSecrets: false, velero: false });
        assert.deepStrictEqual(a.agentEgressCidrs, ["0.0.0.0/0"]);
        assert.deepStrictEqual(a.clusterCidrs, []);
        assert.deepStrictEqual(a.retention, { ...DEFAULT_RETENTION });
        assert.strictEqual(a.protectStateful, true);
        assert.deepStrictEqual(a.alerting, {});
        assert.strictEqual(a.passwordRotationDays, 90);
    });

    it("the constructor throws every problem as one InputPropertiesError before registering anything", async () => {
        const e = await thrown(() =>
            runWithMocks(() => {
                const { target } = fakeTarget();
                return new Platform("m", { ...minimal(), target, domain: "x", acmeEmail: "y" }).endpoints;
            }),
        );
        assert.ok(pulumi.InputPropertiesError.isInstance(e));
        assert.deepStrictEqual(
            (e as pulumi.InputPropertiesError).errors.map((x) => x.propertyPath),
            ["domain", "acmeEmail"],
        );
    });
});
