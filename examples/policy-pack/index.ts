// The team's own policy pack (`pulumi preview --policy-pack <this folder>`), built from the TDP
// pack's policies (`@tdp/policies/policies`) and its own.
import { PolicyPack } from "@pulumi/policy";

import { policies } from "./policies";

new PolicyPack("acme-security", { policies });
