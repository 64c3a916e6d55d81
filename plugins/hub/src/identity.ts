import {
  type Credentials,
  defineIdentityProvider,
  type IdentityVerdict,
  type Principal,
} from '@toolhost/core';
import type { HubClient } from './client';
import { hubService } from './service';

/** The parts of `/api/whoami-v2`'s answer an identity needs. */
interface WhoAmI {
  type?: string;
  name?: string;
  fullname?: string;
  isPro?: boolean;
  auth?: { accessToken?: { role?: string } };
}

const unavailable = (message: string, credentials: Credentials, notify = true): IdentityVerdict => ({
  ok: false,
  reason: 'unavailable',
  message,
  credentials,
  ...(!notify && { notify }),
});

/**
 * Ask the Hub who a token belongs to, through the hub plugin's own client (so the
 * call shows in the upstream metrics and honours its timeout, retries and
 * connection limit). Only a 401/403 rejects the token; anything else that keeps the
 * Hub from answering leaves it unchecked, and the kernel decides what to do then.
 * The token is kept as `hfToken` either way, for the Hub client to forward.
 */
export async function verifyHubToken(
  hub: HubClient,
  token: string,
  signal: AbortSignal,
): Promise<IdentityVerdict> {
  const credentials: Credentials = { hfToken: token };
  if (hub.offline) {
    // The operator's choice, not an outage: the tools already say they answer offline.
    return unavailable(
      'Offline mode (HF_HUB_OFFLINE=1): Hugging Face tokens cannot be checked',
      credentials,
      false,
    );
  }
  let response: Response;
  try {
    response = await hub.http.request(
      `${hub.endpoint}/api/whoami-v2`,
      { headers: { authorization: `Bearer ${token}` } },
      { signal },
      {},
      // Never cached: a revoked token must not outlive the identity cache.
      { cache: false },
    );
  } catch {
    return unavailable('The Hugging Face Hub could not be reached to check the token', credentials);
  }
  if (response.status === 401 || response.status === 403) {
    return {
      ok: false,
      reason: 'rejected',
      message: 'The Hugging Face Hub rejected the token: it is invalid or expired.',
    };
  }
  if (!response.ok) {
    return unavailable(
      `The Hugging Face Hub answered ${response.status} while checking the token`,
      credentials,
    );
  }
  let me: WhoAmI;
  try {
    me = (await response.json()) as WhoAmI;
  } catch {
    return unavailable(
      'The Hugging Face Hub answered the token check with something that is not JSON',
      credentials,
    );
  }
  if (!me?.name)
    return { ok: false, reason: 'rejected', message: 'The Hugging Face Hub did not identify the token.' };
  const role = me.auth?.accessToken?.role;
  const principal: Principal = {
    id: `hf:${me.name}`,
    name: me.name,
    kind: 'user',
    plan: me.isPro ? 'pro' : 'free',
    scopes: role ? [role] : [],
  };
  return { ok: true, principal, credentials };
}

/**
 * Hugging Face tokens (`hf_…`) as a way in, checked with the Hub's whoami-v2. Over
 * stdio, HF_TOKEN identifies the user.
 */
export const hubIdentity = defineIdentityProvider({
  id: 'huggingface',
  describe: 'a Hugging Face token (hf_...)',
  stdioTokenEnv: 'HF_TOKEN',
  services: { hub: hubService },
  accepts: (token) => token.startsWith('hf_'),
  verify: (token, { services, signal }) => verifyHubToken(services.hub, token, signal),
});
