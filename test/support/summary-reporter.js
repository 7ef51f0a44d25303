// Mocha's spec reporter plus one plain closing line, `tests: N passed, N failed[, N skipped]`,
// that CI logs (and tools reading them) understand whatever the runner.
"use strict";
const Mocha = require("mocha");
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(EVENT_RUN_END, () => {
            const s = this.stats;
            const skipped = s.pending ? `, ${s.pending} skipped` : "";
            process.stdout.write(`\ntests: ${s.passes} passed, ${s.failures} failed${skipped}\n`);
        });
    }
}

module.exports = SummaryReporter;
