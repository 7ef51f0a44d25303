/**
 * The CrossGuard policy pack: `pulumi preview --policy-pack policy --policy-pack-config
 * policy/config/<stack>.json`. Only this module constructs the PolicyPack (it starts the analyzer's
 * gRPC server); everything else imports `./policies`. The engine runs the one-file bundle
 * policy/bin/index.js (npm run build:policy, scripts/build-policy.js): no TypeScript at start, and
 * only the SDK modules the pack uses.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: "mandatory" });
