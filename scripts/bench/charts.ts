/**
 * Chart rendering cost for `npm run bench`: runs aws-prod's program with every chart from the
 * mirror (`$CHART_MIRROR` or ../shared/charts), then renders its charts twice with Helm into an
 * empty render cache: cold, then again with nothing changed (every chart from the cache, Helm not
 * started). Prints one JSON document.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram } from "../../preview/harness";
import { findHelm, renderCharts } from "../../preview/helm";
import { PROJECT_ROOT } from "../../preview/stackFile";

async function main(): Promise<void> {
    const mirror = process.env.CHART_MIRROR ?? path.resolve(PROJECT_ROOT, "..", "shared", "charts");
    const helm = findHelm();
    if (!helm || !fs.existsSync(mirror)) {
        throw new Error(`chart rendering needs Helm (npm run helm) and a chart mirror (${mirror})`);
    }
    const run = await runProgram({ stack: "aws-prod", overrides: { "platform.chartMirror": mirror } });
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-render-"));
    const kubeVersion = String(run.outputs.kubernetesVersion ?? "1.34");
    const pass = async (): Promise<{ ms: number; fresh: number; charts: number }> => {
        const t = process.hrtime.bigint();
        const renders = await renderCharts(run.resources, { helm, mirror, kubeVersion, cacheDir });
        const failed = renders.filter((r) => r.error);
        if (failed.length > 0) {
            throw new Error(`${failed.length} chart(s) did not render; first: ${failed[0].name}: ${failed[0].error}`);
        }
        return { ms: Number(process.hrtime.bigint() - t) / 1e6, fresh: renders.filter((r) => !r.cached).length, charts: renders.length };
    };
    try {
        const cold = await pass();
        const cached = await pass();
        process.stdout.write(`${JSON.stringify({ charts: cold.charts, cold, cached })}\n`);
    } finally {
        fs.rmSync(cacheDir, { recursive: true, force: true });
    }
}

main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
