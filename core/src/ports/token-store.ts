import { createHash, randomBytes } from 'node:crypto';

/** A Toolhost API token as stored: never the token itself, only its hash. */
export interface TokenRecord {
  /** Short public id, for listing and revoking. */
  readonly id: string;
  readonly user: string;
  readonly plan: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export interface TokenStore {
  /** Store a new token's hash; the caller shows the token once and forgets it. */
  insert(hash: string, record: TokenRecord): Promise<void>;
  /** The record for a token hash, if it exists and is not revoked. */
  find(hash: string): Promise<TokenRecord | undefined>;
  list(): Promise<TokenRecord[]>;
  /** Revoke by id; returns false when there is no such active token. */
  revoke(id: string): Promise<boolean>;
  /**
   * Resolves when the store can serve, rejects (`StoreUnavailableError`) when it
   * cannot. Cheap: `/readyz` calls it on every probe. Absent: always ready.
   */
  ping?(): Promise<void>;
  close?(): void | Promise<void>;
}

/** Toolhost API tokens start with this, so they are told apart from tokens plugin identity providers verify. */
export const TOOLHOST_TOKEN_PREFIX = 'th_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Make a new token and its record. The token is shown once; only `hash` is kept. */
export function newToken(user: string, plan: string): { token: string; hash: string; record: TokenRecord } {
  const token = `${TOOLHOST_TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
  const hash = hashToken(token);
  return { token, hash, record: { id: hash.slice(0, 12), user, plan, createdAt: new Date().toISOString() } };
}

export class InMemoryTokenStore implements TokenStore {
  private readonly byHash = new Map<string, TokenRecord>();

  /** Memory is always there. */
  async ping(): Promise<void> {}

  async insert(hash: string, record: TokenRecord): Promise<void> {
    this.byHash.set(hash, record);
  }

  async find(hash: string): Promise<TokenRecord | undefined> {
    const record = this.byHash.get(hash);
    return record && !record.revokedAt ? record : undefined;
  }

  async list(): Promise<TokenRecord[]> {
    return [...this.byHash.values()];
  }

  async revoke(id: string): Promise<boolean> {
    for (const [hash, record] of this.byHash) {
      if (record.id === id && !record.revokedAt) {
        this.byHash.set(hash, { ...record, revokedAt: new Date().toISOString() });
        return true;
      }
    }
    return false;
  }
}
