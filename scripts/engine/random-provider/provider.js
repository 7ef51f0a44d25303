// Stand-in for the pulumi-resource-random provider plugin, used by `npm run e2e` only.
//
// Why: the upstream provider (github.com/pulumi/pulumi-random/provider/v4) has no version on the Go module
// proxy reachable here, and its build needs a nested shim module that no module zip contains (docs/engine.md).
// What: the one resource this program uses, random:index/randomPassword:RandomPassword, served through the
// provider server that @pulumi/pulumi ships (@pulumi/pulumi/provider). The result comes from node's CSPRNG and
// honours length, lower/upper/numeric/special, overrideSpecial and the min* counts; the SDK marks `result`
// secret (additionalSecretOutputs). Not implemented: bcryptHash (left empty), keepers-driven replacement
// beyond "any input change replaces", other random resources (they fail with a clear error).
// Started by the `pulumi-resource-random` launcher that scripts/install-engine.sh writes next to the engine.
"use strict";

const crypto = require("crypto");
const path = require("path");

const root = path.resolve(__dirname, "..", "..", "..");
const { main } = require(require.resolve("@pulumi/pulumi/provider", { paths: [process.cwd(), root] }));

const PASSWORD = "random:index/randomPassword:RandomPassword";
const VERSION = "0.1.0-agent-platform";

/** The resource's own type: the URN's type part is the parent chain, "$"-separated, ending with it. */
function typeOf(urn) {
    const chain = urn.split("::")[2];
    return chain.slice(chain.lastIndexOf("$") + 1);
}

function pick(chars, n) {
    let out = "";
    for (let i = 0; i < n; i++) {
        out += chars[crypto.randomInt(chars.length)];
    }
    return out;
}

function shuffle(s) {
    const a = s.split("");
    for (let i = a.length - 1; i > 0; i--) {
        const j = crypto.randomInt(i + 1);
        [a[i], a[j]] = [a[j], a[i]];
    }
    return a.join("");
}

function password(inputs) {
    const flag = (v) => v === undefined || v === true;
    const sets = {
        lower: flag(inputs.lower) ? "abcdefghijklmnopqrstuvwxyz" : "",
        upper: flag(inputs.upper) ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "",
        numeric: flag(inputs.numeric ?? inputs.number) ? "0123456789" : "",
        special: flag(inputs.special) ? (inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?") : "",
    };
    const min = { lower: inputs.minLower ?? 0, upper: inputs.minUpper ?? 0, numeric: inputs.minNumeric ?? 0, special: inputs.minSpecial ?? 0 };
    const length = inputs.length;
    if (!Number.isInteger(length) || length < 1) {
        throw new Error(`length must be a positive integer, got ${JSON.stringify(length)}`);
    }
    let out = "";
    for (const k of Object.keys(sets)) {
        if (min[k] > 0 && sets[k] === "") {
            throw new Error(`min${k[0].toUpperCase()}${k.slice(1)} is ${min[k]} but ${k} characters are off`);
        }
        out += pick(sets[k], min[k]);
    }
    const all = Object.values(sets).join("");
    if (all === "") {
        throw new Error("every character class is off");
    }
    if (out.length > length) {
        throw new Error(`the min* counts (${out.length}) exceed length ${length}`);
    }
    return shuffle(out + pick(all, length - out.length));
}

function only(urn) {
    if (typeOf(urn) !== PASSWORD) {
        throw new Error(`${typeOf(urn)} is not implemented by the agent-platform stand-in random provider (only ${PASSWORD})`);
    }
}

const provider = {
    version: VERSION,
    async check(urn, _olds, news) {
        only(urn);
        return { inputs: news };
    },
    async diff(_id, urn, olds, news) {
        only(urn);
        const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => k !== "result" && k !== "bcryptHash"));
        const changed = [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        return { changes: changed.length > 0, replaces: changed, deleteBeforeReplace: false };
    },
    async create(urn, inputs) {
        only(urn);
        return { id: "none", outs: { ...inputs, result: password(inputs), bcryptHash: "" } };
    },
    async read(id, urn, props) {
        only(urn);
        return { id, props };
    },
    async delete(_id, urn) {
        only(urn);
    },
};

main(provider, process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
});
