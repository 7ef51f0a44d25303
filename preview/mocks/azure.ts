/** Mock answers for @pulumi/azure-native resources and functions (see ./index.ts). */
import type { MockTable } from "./types";

export const azureMocks: MockTable = {
    prefix: "azure-native:",
    states: {},
    calls: {},
};
