import type { Inventory } from "./inventory";

/** Where the offline program pretends to run. */
export interface OfflineContext {
  region: string;
  accountId: string;
  partition: string;
  stack: string;
  inventory: Inventory;
}
