import type { Inventory } from "./inventory";

/** Where the offline program pretends to run. */
export interface OfflineContext {
  region: string;
  accountId: string;
  partition: string;
  stack: string;
  inventory: Inventory;
  /**
   * The availability zones per region that override the engine's table (`REGION_ZONES`, else three
   * zones a, b, c); set with `offline.setAvailabilityZones`.
   */
  availabilityZones?: Record<string, RegionZones>;
}

/** A region's availability zones: names (us-west-1a) and their zone ids (usw1-az1), in order. */
export interface RegionZones {
  names: string[];
  zoneIds: string[];
}
