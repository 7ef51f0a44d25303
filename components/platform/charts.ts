/**
 * THE one table of every Helm chart the platform installs: chart, repository, pinned version and
 * how it is installed (`helm.v4.Chart` or `helm.v3.Release`). Every component installs its charts through `installChart`, so a chart is named, pinned
 * and accounted for here and nowhere else. docs/platform.md explains each choice.
 *
 * Policy visibility: in a real `pulumi preview`, CrossGuard sees the objects a chart renders only
 * when it is a `kubernetes.helm.v4.Chart`; a `helm.v3.Release` shows nothing but its values. Every
 * chart here is a v4 Chart unless its entry says why not.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as helmv3 from "@pulumi/kubernetes/helm/v3";
import * as helmv4 from "@pulumi/kubernetes/helm/v4";
import * as pulumi from "@pulumi/pulumi";
import type { OptionalAddons } from "../types";

/** How a chart is installed. */
export type ChartKind = "helm.v4.Chart" | "helm.v3.Release";

/** One row of the chart table. */
export interface ChartSpec {
    /** Chart name in its repository (or an `oci://` reference), or for local charts their folder relative to the root of this repository and of the package (`localChartPath`). */
    chart: string;
    /** Helm repository URL; empty for OCI references and local charts. */
    repository: string;
    /** Pinned chart version (local charts: the version in their Chart.yaml). */
    version: string;
    /** `v4` shows the rendered objects to the policy pack in a real preview; `v3` shows only values. */
    kind: ChartKind;
    /** True for charts in this repository (`charts/`): they install even when third-party charts are off. */
    local?: boolean;
    /** The optional add-on switch (`platform.addons.<key>`) that installs this chart; absent: always installed. */
    addon?: keyof OptionalAddons;
}

/**
 * Every chart, keyed by a stable name. Part 1 (edge, agents, add-ons) and part 2 (data,
 * observability) each keep their own rows; versions were checked against each chart's
 * values.yaml at that version (Helm silently ignores misspelled keys).
 */
export const CHARTS = {
    // Edge and TLS.
    certManager: {
        chart: "cert-manager",
        repository: "https://charts.jetstack.io",
        version: "v1.21.1",
        kind: "helm.v4.Chart",
    },
    envoyGateway: {
        chart: "oci://docker.io/envoyproxy/gateway-helm",
        repository: "",
        version: "v1.8.1",
        kind: "helm.v4.Chart",
    },
    // Agents.
    ollama: {
        chart: "ollama",
        repository: "https://helm.otwld.com/",
        version: "1.77.0",
        kind: "helm.v4.Chart",
    },
    jamie: {
        chart: "./charts/jamie",
        repository: "",
        version: "1.0.0",
        kind: "helm.v4.Chart",
        local: true,
    },
    scarlet: {
        chart: "./charts/scarlet",
        repository: "",
        version: "1.0.0",
        kind: "helm.v4.Chart",
        local: true,
    },
    // Optional add-ons.
    argoCd: {
        chart: "argo-cd",
        repository: "https://argoproj.github.io/argo-helm",
        version: "9.5.11",
        kind: "helm.v4.Chart",
        addon: "argocd",
    },
    istioBase: {
        chart: "base",
        repository: "https://istio-release.storage.googleapis.com/charts",
        version: "1.29.2",
        kind: "helm.v4.Chart",
        addon: "istio",
    },
    istiod: {
        chart: "istiod",
        repository: "https://istio-release.storage.googleapis.com/charts",
        version: "1.29.2",
        kind: "helm.v4.Chart",
        addon: "istio",
    },
    istioCni: {
        chart: "cni",
        repository: "https://istio-release.storage.googleapis.com/charts",
        version: "1.29.2",
        kind: "helm.v4.Chart",
        addon: "istio",
    },
    ztunnel: {
        chart: "ztunnel",
        repository: "https://istio-release.storage.googleapis.com/charts",
        version: "1.29.2",
        kind: "helm.v4.Chart",
        addon: "istio",
    },
    falco: {
        chart: "falco",
        repository: "https://falcosecurity.github.io/charts",
        version: "9.2.0",
        kind: "helm.v4.Chart",
        addon: "falco",
    },
    externalSecrets: {
        chart: "external-secrets",
        repository: "https://charts.external-secrets.io",
        version: "2.8.0",
        kind: "helm.v4.Chart",
        addon: "externalSecrets",
    },
    // Weekly configuration backups (issue 14 part 3): not in ../shared/charts, so a folder mirror
    // without velero-12.1.0.tgz is reported as a gap when the add-on is on.
    velero: {
        chart: "velero",
        repository: "https://vmware-tanzu.github.io/helm-charts",
        version: "12.1.0",
        kind: "helm.v4.Chart",
        addon: "velero",
    },
    // Data and observability (part 2) append their rows below.
    cloudnativePg: {
        chart: "cloudnative-pg",
        repository: "https://cloudnative-pg.github.io/charts",
        version: "0.29.0",
        kind: "helm.v4.Chart",
    },
    barmanCloudPlugin: {
        chart: "plugin-barman-cloud",
        repository: "https://cloudnative-pg.github.io/charts",
        version: "0.7.0",
        kind: "helm.v4.Chart",
    },
    psmdbOperator: {
        chart: "psmdb-operator",
        repository: "https://percona.github.io/percona-helm-charts/",
        version: "1.22.0",
        kind: "helm.v4.Chart",
    },
    redisOperator: {
        chart: "redis-operator",
        repository: "https://ot-container-kit.github.io/helm-charts/",
        version: "0.26.1",
        kind: "helm.v4.Chart",
    },
    kubePrometheusStack: {
        chart: "kube-prometheus-stack",
        repository: "https://prometheus-community.github.io/helm-charts",
        version: "88.5.3",
        kind: "helm.v4.Chart",
    },
    loki: {
        chart: "loki",
        repository: "https://grafana-community.github.io/helm-charts",
        version: "18.11.0",
        kind: "helm.v4.Chart",
    },
    tempo: {
        chart: "tempo",
        repository: "https://grafana-community.github.io/helm-charts",
        version: "2.2.4",
        kind: "helm.v4.Chart",
    },
    alloy: {
        chart: "alloy",
        repository: "https://grafana.github.io/helm-charts",
        version: "1.11.1",
        kind: "helm.v4.Chart",
    },
} as const satisfies Record<string, ChartSpec>;

/** The name of a chart in the table. */
export type ChartKey = keyof typeof CHARTS;

/** The table as plain rows (for reports and docs). */
export function chartTable(): ({ key: ChartKey } & ChartSpec)[] {
    return (Object.keys(CHARTS) as ChartKey[]).map((key) => ({ key, ...(CHARTS[key] as ChartSpec) }));
}

/** Whether a chart is fetched from outside this repository. */
export function isThirdParty(key: ChartKey): boolean {
    return !(CHARTS[key] as ChartSpec).local;
}

/** Whether a chart is wanted by this configuration (always-on charts, or its add-on is switched on). */
export function chartWanted(key: ChartKey, addons: OptionalAddons): boolean {
    const addon = (CHARTS[key] as ChartSpec).addon;
    return addon === undefined || addons[addon];
}

let thirdPartyOff = false;

/**
 * Switches third-party charts off (`false`) or back on (`true`, the default) for the components
 * built next. While off, `installChart` installs only this repository's charts (`charts/`), the
 * components skip the custom resources that need the CRDs of the charts left out, and report those
 * charts (`skippedCharts`, `Platform.skippedCharts`, a warning).
 *
 * For runs that cannot fetch charts: the offline preview harness and tests of that path, and the
 * end-to-end run without a chart mirror (through the stack program's `platform.thirdPartyCharts`).
 * It is not a component argument: a program that deploys installs every chart, from a mirror when
 * it has no internet (`chartMirror`). Set it before building the components and restore it after.
 */
export function setThirdPartyCharts(install: boolean): void {
    thirdPartyOff = !install;
}

/** Whether third-party charts are installed (see `setThirdPartyCharts`). */
export function thirdPartyChartsInstalled(): boolean {
    return !thirdPartyOff;
}

/**
 * The charts a configuration wants but will not install because third-party charts are off
 * (`setThirdPartyCharts(false)`). Empty when they are on.
 */
export function skippedCharts(addons: OptionalAddons, installThirdParty: boolean = thirdPartyChartsInstalled()): ChartKey[] {
    if (installThirdParty) {
        return [];
    }
    return chartTable()
        .filter((c) => !c.local && chartWanted(c.key, addons))
        .map((c) => c.key);
}

/**
 * Absolute path of a local chart: its folder beside this module's tree (`charts/` at the root of
 * this repository, and of the package, which ships the charts: npm run build copies them). Found
 * from this module's location, never from the working directory, so a program outside this
 * repository that installed the package finds them too.
 */
export function localChartPath(key: ChartKey): string {
    return path.resolve(__dirname, "..", "..", (CHARTS[key] as ChartSpec).chart);
}

/**
 * The reference a Helm resource is given for a local chart: `localChartPath` relative to `cwd`,
 * the project directory where the engine runs the program and the Kubernetes provider (`./charts/jamie`
 * in this repository; `./node_modules/<package>/charts/jamie` in a program that installed the
 * package). Relative, so the value in the stack's state does not change with the checkout's
 * location; absolute only when no relative path exists (another drive on Windows).
 */
export function localChartRef(key: ChartKey, cwd: string = process.cwd()): string {
    const rel = path.relative(cwd, localChartPath(key));
    if (path.isAbsolute(rel)) {
        return rel;
    }
    const posix = rel.split(path.sep).join("/");
    return posix.startsWith("../") ? posix : `./${posix}`;
}

/**
 * Where third-party charts come from instead of their public repositories (`platform.chartMirror`):
 * - a folder of `helm pull` archives, `<chart>-<version>.tgz` (absolute, `~/...`, or relative to the
 *   project directory, where `pulumi` runs the program);
 * - an OCI registry prefix, `oci://registry.example.com/charts` (the chart is `<prefix>/<chart>`);
 * - an HTTP(S) chart repository, `https://charts.example.com` (its index.yaml lists every chart).
 * In every case the pinned version of the table is what is installed.
 */
export type ChartMirrorKind = "folder" | "oci" | "http";

/** The kind of a `platform.chartMirror` value (see ChartMirrorKind). */
export function chartMirrorKind(mirror: string): ChartMirrorKind {
    if (mirror.startsWith("oci://")) {
        return "oci";
    }
    return /^https?:\/\//.test(mirror) ? "http" : "folder";
}

/** A folder mirror's path with `~` expanded and a relative path resolved against `base` (the project directory). */
export function resolveMirrorFolder(mirror: string, base: string = process.cwd()): string {
    const expanded = mirror === "~" || mirror.startsWith("~/") ? path.join(os.homedir(), mirror.slice(1)) : mirror;
    return path.resolve(base, expanded);
}

/** The chart's name as `helm pull` names its archive (`gateway-helm` for `oci://docker.io/envoyproxy/gateway-helm`). */
export function chartName(key: ChartKey): string {
    return path.basename((CHARTS[key] as ChartSpec).chart);
}

/** The archive `helm pull <chart> --version <version>` writes for a row: `<chart>-<version>.tgz`. */
export function chartArchiveName(key: ChartKey): string {
    return `${chartName(key)}-${(CHARTS[key] as ChartSpec).version}.tgz`;
}

/** The `helm pull` command that fetches a row from its public repository (for mirror scripts and error messages). */
export function helmPullCommand(key: ChartKey): string[] {
    const spec = CHARTS[key] as ChartSpec;
    return spec.repository ? ["pull", spec.chart, "--repo", spec.repository, "--version", spec.version] : ["pull", spec.chart, "--version", spec.version];
}

/**
 * The archives a folder mirror lacks for the charts a configuration installs (empty when complete).
 * Each entry names the file expected and the chart it stands for.
 */
export function missingFromMirror(folder: string, addons: OptionalAddons): { key: ChartKey; file: string }[] {
    return chartTable()
        .filter((c) => !c.local && chartWanted(c.key, addons))
        .map((c) => ({ key: c.key, file: path.join(folder, chartArchiveName(c.key)) }))
        .filter((m) => !fs.existsSync(m.file));
}

/** What a Helm resource is given to fetch one row: its `chart`, `version` and `repositoryOpts`. */
export function chartSource(key: ChartKey, mirror?: string): { chart: string; version?: string; repositoryOpts?: { repo: string } } {
    const spec = CHARTS[key] as ChartSpec;
    if (spec.local) {
        return { chart: localChartRef(key) };
    }
    if (!mirror) {
        return { chart: spec.chart, version: spec.version, repositoryOpts: spec.repository ? { repo: spec.repository } : undefined };
    }
    switch (chartMirrorKind(mirror)) {
        case "oci":
            return { chart: `${mirror.replace(/\/+$/, "")}/${chartName(key)}`, version: spec.version };
        case "http":
            return { chart: chartName(key), version: spec.version, repositoryOpts: { repo: mirror } };
        case "folder":
            // Kept as written when relative: the engine runs the program in the project directory.
            return { chart: path.join(mirror.startsWith("~") ? resolveMirrorFolder(mirror) : mirror, chartArchiveName(key)) };
    }
}

/** Arguments of `installChart`. */
export interface InstallChartArgs {
    /** Which row of the table to install. */
    key: ChartKey;
    /** Pulumi name of the chart resource; derive it from the calling component's name. */
    name: string;
    /** Namespace to install into (created by the Foundation). */
    namespace: pulumi.Input<string>;
    /** Chart values (the knobs the platform owns, plus any raw overrides merged in by the caller). */
    values: pulumi.Input<Record<string, unknown>>;
    /**
     * `platform.chartMirror`: fetch third-party charts from this folder, OCI prefix or HTTP repository
     * at their pinned versions (see ChartMirrorKind). Local charts ignore it.
     * @default the chart's public repository
     */
    chartMirror?: string;
    /**
     * Helm release name (object names derive from it).
     * @default the key's chart name
     */
    releaseName?: string;
}

/** An installed chart: one of the two Helm resource kinds. */
export type InstalledChart = helmv4.Chart | helmv3.Release;

/**
 * Creates one Helm child for a row of the table, or nothing when it is third-party and
 * third-party charts are off (`setThirdPartyCharts`; the caller reports it). `opts` must carry `parent` (the calling component); ordering goes in
 * `dependsOn`. Nothing may depend on the chart's rendered children: under mocks (and with
 * `renderYamlToDirectory`) a v4 Chart has none.
 */
export function installChart(args: InstallChartArgs, opts: pulumi.ComponentResourceOptions & pulumi.CustomResourceOptions): InstalledChart | undefined {
    const spec = CHARTS[args.key] as ChartSpec;
    if (!spec.local && !thirdPartyChartsInstalled()) {
        return undefined;
    }
    const releaseName = args.releaseName ?? path.basename(spec.chart);
    const source = chartSource(args.key, args.chartMirror);
    if (spec.kind === "helm.v4.Chart") {
        return new helmv4.Chart(
            args.name,
            {
                ...source,
                name: releaseName,
                namespace: args.namespace,
                values: args.values,
            },
            opts,
        );
    }
    return new helmv3.Release(
        args.name,
        {
            ...source,
            name: releaseName,
            namespace: args.namespace,
            values: args.values,
            createNamespace: false,
            atomic: true,
            cleanupOnFail: true,
        },
        opts,
    );
}
