/** Kubernetes storage quantities ("100Gi", "50G", "1Ti") to GiB. */
const UNITS: Record<string, number> = {
    Ki: 1 / 1024 ** 2,
    Mi: 1 / 1024,
    Gi: 1,
    Ti: 1024,
    Pi: 1024 ** 2,
    K: 1e3 / 1024 ** 3,
    k: 1e3 / 1024 ** 3,
    M: 1e6 / 1024 ** 3,
    G: 1e9 / 1024 ** 3,
    T: 1e12 / 1024 ** 3,
    P: 1e15 / 1024 ** 3,
    "": 1 / 1024 ** 3,
};

/** GiB in a quantity; undefined when it does not parse. */
export function toGiB(q: unknown): number | undefined {
    if (typeof q === "number") {
        return q / 1024 ** 3;
    }
    const m = typeof q === "string" ? /^(\d+(?:\.\d+)?)([KMGTP]i?|k)?$/.exec(q.trim()) : null;
    if (!m) {
        return undefined;
    }
    return Number(m[1]) * UNITS[m[2] ?? ""];
}
