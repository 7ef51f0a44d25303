// Preloaded by scripts/bench.ts into every node process of a measured command (through
// NODE_OPTIONS, so a process that spawns node again, like mocha with node options, is measured
// too): at exit, writes this process's peak RSS (KiB) and the node_modules files it loaded to
// `$BENCH_PROBE_OUT.<pid>`. Plain JS so that it costs nothing to load.
"use strict";
const fs = require("fs");
const out = process.env.BENCH_PROBE_OUT;
if (out) {
    process.on("exit", () => {
        const modules = Object.keys(require.cache).filter((f) => f.includes("/node_modules/"));
        fs.writeFileSync(`${out}.${process.pid}`, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, modules }));
    });
}
