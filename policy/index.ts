/**
 * The CrossGuard policy pack: `pulumi preview --policy-pack policy --policy-pack-config
 * policy/config/<stack>.json`. Only this module constructs the PolicyPack (it starts the analyzer's
 * gRPC server); everything else imports `./policies`. The engine runs the compiled copy in
 * policy/bin (npm run build:policy), so it starts without type-checking.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: "mandatory" });
