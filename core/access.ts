import { z } from 'zod';

/**
 * Who may do what in the dashboard and its API: `viewer` reads KPIs only; `analyst` also reads findings, users'
 * timelines and health, and triages; `admin` also manages API tokens and decides tuning proposals. Ordered
 * from least to most.
 */
export const roleSchema = z.enum(['viewer', 'analyst', 'admin']);
export type Role = z.infer<typeof roleSchema>;

/** True when `role` includes everything `needed` may do. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return roleSchema.options.indexOf(role) >= roleSchema.options.indexOf(needed);
}
