import type { TokenRecord } from '@toolhost/core/ports';

/** An API token as the SQL stores (SQLite, PostgreSQL) keep it: one row of `toolhost_tokens`-style tables. */
export interface TokenRow {
  id: string;
  user: string;
  plan: string;
  created_at: string;
  revoked_at: string | null;
}

/** The record a token row holds. */
export const tokenRecordOf = (row: TokenRow): TokenRecord => ({
  id: row.id,
  user: row.user,
  plan: row.plan,
  createdAt: row.created_at,
  ...(row.revoked_at && { revokedAt: row.revoked_at }),
});
