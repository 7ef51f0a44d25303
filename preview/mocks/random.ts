/**
 * Mock answers for @pulumi/random (see ./index.ts): what the provider would generate. A password
 * is a stable string of the requested length derived from the resource name, so runs are
 * repeatable; the SDK marks `result` and `bcryptHash` secret on its own (additionalSecretOutputs).
 */
import { createHash } from "crypto";
import type { MockTable } from "./types";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A stable pseudo-random string of `length` characters drawn from `alphabet`. */
function stableString(seed: string, length: number, alphabet: string): string {
    let out = "";
    let block = 0;
    while (out.length < length) {
        const bytes = createHash("sha256").update(`${seed}\u0000${block++}`).digest();
        for (const b of bytes) {
            if (out.length < length) {
                out += alphabet[b % alphabet.length];
            }
        }
    }
    return out;
}

export const randomMocks: MockTable = {
    prefix: "random:",
    states: {
        "random:index/randomPassword:RandomPassword": (name, inputs) => {
            const result = stableString(`password:${name}`, Number(inputs.length ?? 16), ALPHANUMERIC);
            return { result, bcryptHash: `$2a$10$${stableString(`bcrypt:${name}`, 53, ALPHANUMERIC)}` };
        },
    },
    calls: {},
};
