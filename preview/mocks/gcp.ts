/** Mock answers for @pulumi/gcp resources and functions (see ./index.ts). */
import type { MockTable } from "./types";

export const gcpMocks: MockTable = {
    prefix: "gcp:",
    states: {},
    calls: {},
};
