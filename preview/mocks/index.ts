/**
 * Mock answers for the offline preview and the tests: realistic computed outputs (ARNs, endpoints,
 * certificate data, ids) per resource type, and provider function results. One table per cloud
 * (aws.ts, gcp.ts, azure.ts, digitalocean.ts, kubernetes.ts, random.ts). A function call no table knows throws, naming the
 * token, so a new data source cannot slip through unmocked.
 */
import { createHash } from "crypto";
import { awsMocks } from "./aws";
import { azureMocks } from "./azure";
import { digitaloceanMocks } from "./digitalocean";
import { gcpMocks } from "./gcp";
import { kubernetesMocks } from "./kubernetes";
import { randomMocks } from "./random";
import type { MockContext, MockTable } from "./types";

export type { MockContext } from "./types";

const TABLES: MockTable[] = [awsMocks, gcpMocks, azureMocks, digitaloceanMocks, kubernetesMocks, randomMocks];

/** A short stable hash of a resource, for ids that look real and never collide. */
export function shortHash(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 17);
}

/** The id a mocked resource gets. */
export function mockId(type: string, name: string, inputs: Record<string, unknown>): string {
    const own = TABLES.find((t) => type.startsWith(t.prefix))?.id?.(type, name, inputs);
    if (own !== undefined) {
        return own;
    }
    const explicit = inputs.name;
    return typeof explicit === "string" && explicit.length > 0 ? explicit : `${name}-${shortHash(type, name)}`;
}

/** Outputs the provider would compute for a resource, added to its inputs by the mock. */
export function computedState(type: string, name: string, inputs: Record<string, any>, ctx: MockContext): Record<string, unknown> {
    for (const t of TABLES) {
        if (type.startsWith(t.prefix)) {
            const exact = t.states[type];
            return { ...(t.fallback?.(name, inputs, ctx) ?? {}), ...(exact?.(name, inputs, ctx) ?? {}) };
        }
    }
    return {};
}

/** Answers a provider function call; throws for a token no table knows. */
export function callMock(token: string, inputs: Record<string, any>, ctx: MockContext): Record<string, unknown> {
    for (const t of TABLES) {
        const fn = t.calls[token];
        if (fn) {
            return fn(inputs, ctx);
        }
    }
    throw new Error(`offline preview: no mock for function ${token}; add one to preview/mocks/`);
}
