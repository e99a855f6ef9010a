// The Halext test server (tests/halext-test-server): seeding users and asking for tokens, the
// way the real API is asked (POST /token is form-encoded, halext-api.md §1.1).
import { env } from './env.mjs';

/**
 * Creates a Halext user through the test server's control route (not part of the real API).
 * @param {{username: string, email: string, password: string, is_admin?: boolean}} user
 */
export async function seedUser(user) {
  const res = await fetch(`${env.halextApi}/__test/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ is_admin: false, ...user }),
  });
  if (!res.ok) {
    throw new Error(`seeding Halext user ${user.username}: HTTP ${res.status} ${await res.text()}`);
  }
}

/** A Halext access token for username/password (`POST /token`). */
export async function token(username, password) {
  const res = await fetch(`${env.halextApi}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  });
  if (!res.ok) throw new Error(`POST /token for ${username}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

/** Whether Halext accepts username/password (`POST /token` answers 200). */
export async function canLogin(username, password) {
  const res = await fetch(`${env.halextApi}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  });
  return res.ok;
}
