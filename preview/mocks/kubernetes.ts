/** Mock answers for @pulumi/kubernetes resources (see ./index.ts). */
import type { MockTable } from "./types";

export const kubernetesMocks: MockTable = {
    prefix: "kubernetes:",
    states: {},
    calls: {},
    // The provider reports back the object's metadata with the name it used.
    fallback: (name, inputs) => ({
        metadata: { ...(inputs.metadata ?? {}), name: inputs.metadata?.name ?? name },
    }),
};
