/**
 * Chart rendering for tests: runs a stack program under mocks with every third-party chart taken
 * from the chart mirror, renders every chart with Helm (preview/helm.ts) and runs the policy pack
 * over the program's resources and the rendered objects together, as a real `pulumi preview
 * --policy-pack` would. Runs are memoised per stack and overrides: several specs share one.
 *
 * Needs Helm (`npm test` installs it: scripts/install-helm.sh) and the mirror: `$CHART_MIRROR`, or
 * `../shared/charts` beside the project. Missing either fails the test with the reason: a
 * rendering test never passes by not rendering.
 */
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy/policies";
import { loadPolicyConfig } from "../../policy/config";
import { runPolicies, type ResourceRecord, type Violation } from "../../policy/runner";
import { type RunResult } from "../../preview/harness";
import { sharedRun } from "./stacks";
import { findHelm, renderCharts, renderedRecords, type ChartRender, type KubeObject } from "../../preview/helm";
import { PROJECT_ROOT } from "../../preview/stackFile";

/** The chart mirror tests render from. */
export function testMirror(): string {
    const mirror = process.env.CHART_MIRROR ?? path.resolve(PROJECT_ROOT, "..", "shared", "charts");
    if (!fs.existsSync(mirror)) {
        throw new Error(`no chart mirror at ${mirror}: set CHART_MIRROR to a folder of helm pull archives (see ../shared/charts/README.md)`);
    }
    return mirror;
}

/** Helm for tests; throws (failing the test) when there is none. */
export function testHelm(): string {
    const helm = findHelm();
    if (!helm) {
        throw new Error("no helm: run bash scripts/install-helm.sh (npm test does) or set HELM");
    }
    return helm;
}

/** A stack run with its charts rendered and the pack run over everything. */
export interface RenderedStack {
    run: RunResult;
    renders: ChartRender[];
    /** Rendered objects as the engine registers them under their charts. */
    rendered: ResourceRecord[];
    /** Every violation over the program's resources and the rendered objects. */
    violations: Violation[];
}

const memo = new Map<string, Promise<RenderedStack>>();

/** Runs `stack` with the mirror, renders its charts and runs the pack with the stack's policy config. */
export function renderStack(stack: string, overrides: Record<string, unknown> = {}): Promise<RenderedStack> {
    const key = JSON.stringify([stack, overrides]);
    let p = memo.get(key);
    if (!p) {
        p = (async () => {
            const mirror = testMirror();
            const run = await sharedRun({ stack, overrides: { "platform.chartMirror": mirror, ...overrides } });
            const renders = await renderCharts(run.resources, { helm: testHelm(), mirror, kubeVersion: String(run.outputs.kubernetesVersion ?? "1.34") });
            const rendered = renderedRecords(renders);
            const violations = await runPolicies(policies, [...run.resources, ...rendered], loadPolicyConfig(run.stack));
            return { run, renders, rendered, violations };
        })();
        memo.set(key, p);
    }
    return p;
}

/** The rendered objects of one chart resource (by the end of its Pulumi name), failing when it did not render. */
export function chartObjects(rs: RenderedStack, nameSuffix: string): KubeObject[] {
    const r = rs.renders.find((x) => x.name.endsWith(nameSuffix));
    if (!r) {
        throw new Error(`no chart resource named *${nameSuffix}; charts: ${rs.renders.map((x) => x.name).join(", ")}`);
    }
    if (r.error) {
        throw new Error(`chart ${r.name} did not render: ${r.error}`);
    }
    return r.objects;
}

/** The one rendered object of a kind and name in a chart. */
export function renderedObject(objects: KubeObject[], kind: string, name: string): KubeObject {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    if (found.length !== 1) {
        throw new Error(
            `expected one ${kind} ${name}, found ${found.length}; ${kind}s: ${objects
                .filter((o) => o.kind === kind)
                .map((o) => o.metadata.name)
                .join(", ")}`,
        );
    }
    return found[0];
}
