import { newToken } from '@toolhost/core/ports';
import type { LoadedManifest } from './manifest';
import { openStores } from './stores';
import type { RedisConnection } from './stores/redis';

/** A `toolhost tokens …` mistake: printed with the usage hint, exit code 2. */
export class TokensUsageError extends Error {}

const PLAN = /^[a-z][\w-]{0,31}$/;
const USER = /^[A-Za-z0-9][\w.-]{0,63}$/;

/**
 * `toolhost tokens create --user NAME [--plan PLAN]`, `tokens list`, `tokens revoke ID`:
 * manage Toolhost API tokens in the manifest's token store. A new token is printed
 * once; only its SHA-256 hash is stored.
 */
export async function tokensCommand(
  loaded: LoadedManifest,
  args: string[],
  options: { user?: string; plan?: string },
  out: (line: string) => void,
): Promise<void> {
  const config = loaded.manifest.stores;
  const kind = config.tokens ?? config.default;
  if (kind !== 'sqlite' && kind !== 'postgres') {
    throw new TokensUsageError(
      'tokens need a durable store: set stores.default (or stores.tokens) to sqlite, or stores.tokens to postgres, in the manifest',
    );
  }
  // Only the token store: the bus, for a revocation, is opened by itself below.
  const stores = await openStores(
    {
      ...loaded.manifest,
      stores: {
        ...config,
        settings: 'memory',
        quotas: 'memory',
        tokens: kind,
        bus: 'memory',
        events: 'memory',
      },
    },
    loaded.baseDir,
    process.env,
    () => {
      throw new Error('no catalog in the tokens command');
    },
  );
  try {
    const [action, id] = args;
    switch (action) {
      case 'create': {
        if (!options.user || !USER.test(options.user))
          throw new TokensUsageError('tokens create needs --user NAME (letters, digits, . _ -)');
        const plan = options.plan ?? 'free';
        if (!PLAN.test(plan))
          throw new TokensUsageError(`--plan must be a plan name such as free or pro, got ${plan}`);
        const { token, hash, record } = newToken(options.user, plan);
        await stores.tokens.insert(hash, record);
        out(token);
        out(`# token ${record.id} for user ${record.user} (plan ${record.plan}); shown once, store it now`);
        return;
      }
      case 'list': {
        const records = await stores.tokens.list();
        out(['ID', 'USER', 'PLAN', 'CREATED', 'STATUS'].join('\t'));
        for (const r of records)
          out(
            [r.id, r.user, r.plan, r.createdAt, r.revokedAt ? `revoked ${r.revokedAt}` : 'active'].join('\t'),
          );
        return;
      }
      case 'revoke': {
        if (!id) throw new TokensUsageError('tokens revoke needs the token id (see tokens list)');
        if (!(await stores.tokens.revoke(id))) throw new TokensUsageError(`no active token with id ${id}`);
        out(`revoked ${id}`);
        if (config.bus === 'redis') await announceRevocation(loaded, id);
        return;
      }
      default:
        throw new TokensUsageError(
          `unknown tokens command: ${action ?? '(none)'}; use create, list or revoke`,
        );
    }
  } finally {
    await stores.close();
  }
}

/**
 * Instances keep a checked token's identity for `auth.tokenCacheSeconds`: on the shared
 * bus, they forget a revoked one at once. The revocation is saved either way; when
 * Redis cannot be reached, the note says when instances will notice.
 */
async function announceRevocation(loaded: LoadedManifest, id: string): Promise<void> {
  const { redis, timeout } = loaded.manifest.stores;
  const url = redis.url ?? process.env['REDIS_URL'];
  let connection: RedisConnection | undefined;
  try {
    if (!url) throw new Error('no Redis URL (stores.redis.url or REDIS_URL)');
    const { RedisConnection, publishToInstances } = await import('./stores/redis');
    connection = await RedisConnection.open(url, redis.keyPrefix, timeout);
    await publishToInstances(connection, { type: 'token-revoked', tokenId: id });
  } catch (error) {
    process.stderr.write(
      `toolhost: note: the revocation could not be announced (${(error as Error).message}); running instances stop accepting the token within auth.tokenCacheSeconds (${loaded.manifest.auth.tokenCacheSeconds} s)\n`,
    );
  } finally {
    connection?.close();
  }
}
