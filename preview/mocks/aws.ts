/** Mock answers for @pulumi/aws resources and functions (see ./index.ts). */
import type { MockTable } from "./types";

export const awsMocks: MockTable = {
    prefix: "aws:",
    states: {},
    calls: {},
};
