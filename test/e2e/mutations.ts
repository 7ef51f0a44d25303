/**
 * The mutated copies of the `local` stack that scripts/e2e.ts previews with the policy pack: each must make
 * `pulumi preview` fail with a mandatory violation of `rule`. Two edit the copied local charts (so the rule is
 * seen firing on an object rendered from a chart), two add an offending object to the copied program.
 * Each edit must change its file: an edit that no longer applies fails the run instead of passing silently.
 */

export interface Edit {
    /** File relative to the project copy's root. */
    file: string;
    /** What the edit does, for the error when it no longer applies. */
    what: string;
    /** Returns the new content from the old ("" for a new file). */
    apply(before: string): string;
}

export interface Mutation {
    id: string;
    /** The policy the preview must name as a mandatory violation. */
    rule: string;
    description: string;
    edits(project: string): Edit[];
}

/** Adds a program file `e2e-mutation-<id>.ts` to the copy, imported from its index.ts (one per mutation, so they combine). */
function addToProgram(id: string, source: string): Edit[] {
    const file = `e2e-mutation-${id}.ts`;
    return [
        { file, what: `write ${file}`, apply: () => source.split("e2e-mutation").join(`e2e-mutation-${id}`) },
        {
            file: "index.ts",
            what: `import ./${file.replace(/\.ts$/, "")} from index.ts`,
            apply: (before) => `${before}\nimport "./${file.replace(/\.ts$/, "")}";\n`,
        },
    ];
}

/** The offending objects get their own rendering provider: no cluster, nothing written during a preview. */
const PROVIDER = `
import { Provider } from "@pulumi/kubernetes/provider";
const provider = new Provider("e2e-mutation", { renderYamlToDirectory: "e2e-mutation-manifests" });
`;

function replaceAll(before: string, from: string, to: string): string {
    return before.split(from).join(to);
}

export const MUTATIONS: Mutation[] = [
    {
        id: "plaintext-secret",
        rule: "secrets-kubernetes-disallow-plaintext",
        description: "a Kubernetes Secret holding a literal token, outside the allow-list",
        edits: () =>
            addToProgram(
                "plaintext-secret",
                `${PROVIDER}
import { Secret } from "@pulumi/kubernetes/core/v1";
new Secret("e2e-leaked-token", {
    metadata: { name: "e2e-leaked-token", namespace: "jamie" },
    stringData: { "api-token": "plaintext-in-git" },
}, { provider });
`,
            ),
    },
    {
        id: "root-container",
        rule: "workloads-pod-enforce-non-root",
        description: "the local Jamie chart's pod running as root (runAsUser 0)",
        edits: () => [
            {
                file: "charts/jamie/templates/deployment.yaml",
                what: "pod securityContext runAsNonRoot: true / runAsUser: 10001 -> false / 0",
                apply: (before) => replaceAll(replaceAll(before, "runAsNonRoot: true", "runAsNonRoot: false"), "runAsUser: 10001", "runAsUser: 0"),
            },
        ],
    },
    {
        id: "gateway-without-tls",
        rule: "tls-ingress-enforce-host-coverage",
        description: "a Gateway listener serving plain HTTP on a public hostname",
        edits: () =>
            addToProgram(
                "gateway-without-tls",
                `${PROVIDER}
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
new CustomResource("e2e-plain-gateway", {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "e2e-plain", namespace: "gateway" },
    spec: {
        gatewayClassName: "envoy",
        listeners: [{ name: "public-plain", protocol: "HTTP", port: 8080, hostname: "agents.example.com" }],
    },
}, { provider });
`,
            ),
    },
    {
        id: "missing-limit",
        rule: "workloads-pod-enforce-resources",
        description: "the local Scarlet chart's container without resource limits",
        edits: () => [
            {
                file: "charts/scarlet/templates/deployment.yaml",
                what: "resources rendered without limits",
                apply: (before) => replaceAll(before, "toYaml .Values.resources |", 'toYaml (omit .Values.resources "limits") |'),
            },
        ],
    },
];
