// The floor for the offline preview: a node process that loads exactly the node_modules files the
// preview loaded (list in BENCH_FLOOR_MODULES) and does nothing else.
"use strict";
const fs = require("fs");
const list = JSON.parse(fs.readFileSync(process.env.BENCH_FLOOR_MODULES, "utf8"));
for (const m of list) {
    if (m.endsWith(".js") || m.endsWith(".json")) {
        try {
            require(m);
        } catch {
            // A module that only loads in its importer's context: skip, the floor stays a floor.
        }
    }
}
