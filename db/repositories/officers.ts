/**
 * The officers' directory on PostgreSQL: who answers for each level of each department and district, and their
 * WhatsApp number. Loaded by ops from CSV (`sampark-atr officers import`). The only module that names the table.
 */
import type { Pool } from 'pg';
import { inTransaction } from '../pool';
import type { EscalationLevel } from '../../contracts/workflow';
import type { Officer, OfficerRole } from '../../contracts';

const ROLE_OF_LEVEL: Record<EscalationLevel, OfficerRole> = { 1: 'L1', 2: 'L2', 3: 'L3' };

function toOfficer(r: Record<string, unknown>): Officer {
  return {
    officerId: r.officer_id as string,
    name: r.name as string,
    role: r.role as OfficerRole,
    departmentCode: (r.department_code as string | null) ?? null,
    districtCode: (r.district_code as string | null) ?? null,
    whatsappPhone: r.whatsapp_phone as string,
    active: r.active as boolean,
  };
}

/** Creates the officers repository on a pool. */
export function createOfficerRepository(pool: Pool) {
  return {
    /** Adds or replaces officers by id, all or none. Returns how many were new and how many changed. */
    async upsertOfficers(officers: readonly Officer[]): Promise<{ inserted: number; updated: number }> {
      let inserted = 0;
      await inTransaction(pool, async (client) => {
        for (const o of officers) {
          const { rows } = await client.query<{ inserted: boolean }>(
            `INSERT INTO officers (officer_id, name, role, department_code, district_code, whatsapp_phone, active)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (officer_id) DO UPDATE SET name = $2, role = $3, department_code = $4, district_code = $5,
                    whatsapp_phone = $6, active = $7, updated_at = now()
             RETURNING (xmax = 0) AS inserted`,
            [o.officerId, o.name, o.role, o.departmentCode, o.districtCode, o.whatsappPhone, o.active],
          );
          if (rows[0]?.inserted) inserted += 1;
        }
      });
      return { inserted, updated: officers.length - inserted };
    },

    async getOfficer(officerId: string): Promise<Officer | null> {
      const { rows } = await pool.query('SELECT * FROM officers WHERE officer_id = $1', [officerId]);
      return rows[0] ? toOfficer(rows[0]) : null;
    },

    /** The active officers who answer for a level of an escalation at this department and district. */
    async officersForLevel(level: EscalationLevel, departmentCode: string, districtCode: string): Promise<Officer[]> {
      const role = ROLE_OF_LEVEL[level];
      const { rows } = await pool.query(
        `SELECT * FROM officers WHERE active AND role = $1
            AND ($1 = 'L3' OR district_code = $3) AND ($1 <> 'L1' OR department_code = $2)
          ORDER BY officer_id`,
        [role, departmentCode, districtCode],
      );
      return rows.map(toOfficer);
    },

    async listOfficers(): Promise<Officer[]> {
      const { rows } = await pool.query('SELECT * FROM officers ORDER BY role, district_code NULLS FIRST, department_code NULLS FIRST, officer_id');
      return rows.map(toOfficer);
    },
  };
}

/** The officers repository's methods. */
export type OfficerRepository = ReturnType<typeof createOfficerRepository>;
