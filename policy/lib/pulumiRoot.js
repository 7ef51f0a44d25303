// The root of @pulumi/pulumi as the bundled policy pack sees it (scripts/build-policy.js): only
// the names @pulumi/policy reads from it, each from its own module, so that starting the pack
// does not load the whole SDK. The build checks that every name @pulumi/policy reads is here.
"use strict";
exports.Output = require("@pulumi/pulumi/output").Output;
exports.asset = require("@pulumi/pulumi/asset");
