/**
 * Fixtures for the local charts' render test (charts.spec.ts). The platform's production values
 * for Jamie and Scarlet are rendered once with `helm template` into `fixtures/<chart>.rendered.yaml`;
 * the test checks the fixtures are current (same values as the platform passes today, same chart
 * files as when rendered) and then checks the rendered objects. To re-render after changing a
 * chart or its values (helm 3):
 *
 *   for c in jamie scarlet; do
 *     helm template $c charts/$c -n $c --kube-version 1.33 -f test/platform/fixtures/$c.values.yaml \
 *       > test/platform/fixtures/$c.rendered.yaml
 *   done
 *   (cd charts && find jamie scarlet -type f | sort | xargs sha256sum) > test/platform/fixtures/charts.sha256
 *
 * and refresh `fixtures/<chart>.values.yaml` from `agentValuesFixture()`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Agents } from "../../components/platform/agents";
import { namespaceQuotas } from "../../components/platform/budgets";
import { Foundation } from "../../components/platform/foundation";
import { ComponentName, FLOWS, LAYOUT } from "../../components/platform/layout";
import { runWithMocks } from "../../preview/harness";
import { fakeTarget } from "./fakeTarget";
import { one } from "./helpers";

/** The values the platform passes to the Jamie and Scarlet charts in production (plain). */
export async function agentValuesFixture(): Promise<{ jamie: Record<string, unknown>; scarlet: Record<string, unknown> }> {
    const run = await runWithMocks(() => {
        const { target } = fakeTarget();
        const quotas = namespaceQuotas("prod");
        const comps: ComponentName[] = ["jamie", "scarlet", "ollama"];
        const f = new Foundation("fx", { target, namespaces: comps.map((c) => ({ component: c, layout: LAYOUT[c], quota: quotas[c] })), flows: FLOWS }, { provider: target.provider });
        new Agents(
            "fx-agents",
            {
                target,
                environment: "prod",
                namespaces: { jamie: f.namespaces.jamie, scarlet: f.namespaces.scarlet, ollama: f.namespaces.ollama },
                jamie: { repository: "ghcr.io/example/jamie", tag: "1.4.2" },
                scarlet: { repository: "ghcr.io/example/scarlet", tag: "2.1.0" },
                connections: { mongodbUri: pulumi.secret("mongodb://x"), redisUrl: pulumi.secret("rediss://x"), postgresUri: pulumi.secret("postgresql://x") },
                otlpEndpoint: "http://tempo.monitoring.svc.cluster.local:4318",
                conversationDays: 365,
                thirdPartyCharts: false,
            },
            { provider: target.provider },
        );
        return {};
    });
    const values = (n: string) => one(run, "kubernetes:helm.sh/v4:Chart", `fx-agents-${n}`).inputs.values as Record<string, unknown>;
    return { jamie: values("jamie"), scarlet: values("scarlet") };
}
