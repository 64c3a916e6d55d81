import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The cookie the dashboard's sign-in form sets, so a browser can send the admin token on navigation. */
export const ADMIN_COOKIE = 'toolhost_admin';

function matches(given: string | undefined, adminToken: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the request carries the admin token (TOOLHOST_ADMIN_TOKEN) as a bearer token. */
export function isAdmin(request: FastifyRequest, adminToken: string | undefined): boolean {
  if (!adminToken) return false;
  return matches(/^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1], adminToken);
}

/** Whether the request carries the admin token in the dashboard's cookie. */
export function hasAdminCookie(request: FastifyRequest, adminToken: string | undefined): boolean {
  if (!adminToken) return false;
  const cookie = request.headers.cookie ?? '';
  const value = new RegExp(`(?:^|;\\s*)${ADMIN_COOKIE}=([^;]*)`).exec(cookie)?.[1];
  let decoded: string | undefined;
  try {
    decoded = value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    decoded = undefined;
  }
  return matches(decoded, adminToken);
}
