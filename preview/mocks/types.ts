/** Shapes shared by the per-cloud mock tables. */

/** The stack a mock answers for. */
export interface MockContext {
    stack: string;
    project: string;
}

/** Computes the outputs a provider would add to a resource's inputs (ARNs, endpoints, ids). */
export type StateMock = (name: string, inputs: Record<string, any>, ctx: MockContext) => Record<string, unknown>;

/** Answers a provider function call (`aws:index/getCallerIdentity:getCallerIdentity`, ...). */
export type CallMock = (inputs: Record<string, any>, ctx: MockContext) => Record<string, unknown>;

/** One cloud's mock tables: by exact type token, plus a fallback for any other type of that package. */
export interface MockTable {
    /** Type-token prefix this table answers, e.g. `aws:`. */
    prefix: string;
    states: Record<string, StateMock>;
    calls: Record<string, CallMock>;
    /** Outputs every resource of this package gets (e.g. `arn` for AWS). */
    fallback?: StateMock;
    /**
     * The provider id of a resource of this package (`projects/p/locations/l/keyRings/r` for GCP,
     * an ARM resource ID for Azure); undefined keeps the generic id.
     */
    id?: (type: string, name: string, inputs: Record<string, any>) => string | undefined;
}
