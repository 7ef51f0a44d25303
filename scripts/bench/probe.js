// Preloaded with `node -r` by scripts/bench.ts: at exit, writes this process's peak RSS (KiB) and
// the node_modules files it loaded to the file named by BENCH_PROBE_OUT. Plain JS so that it costs
// nothing to load.
"use strict";
const fs = require("fs");
const out = process.env.BENCH_PROBE_OUT;
if (out) {
    process.on("exit", () => {
        const modules = Object.keys(require.cache).filter((f) => f.includes("/node_modules/"));
        fs.writeFileSync(out, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, modules }));
    });
}
