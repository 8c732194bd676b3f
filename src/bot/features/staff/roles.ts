/** Who is staff: outreach workers (OUTREACH_IDS) and analysts (ANALYST_IDS), who may also do outreach. */
import type { Config } from "../../../platform/config.ts";

export type StaffRole = "analyst" | "outreach";

export function rolesOf(config: Config, userId: number | undefined): Set<StaffRole> {
  const roles = new Set<StaffRole>();
  if (userId === undefined) return roles;
  const id = String(userId);
  if (config.ANALYST_IDS.includes(id)) roles.add("analyst").add("outreach");
  if (config.OUTREACH_IDS.includes(id)) roles.add("outreach");
  return roles;
}
