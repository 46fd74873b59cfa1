/** What the reliability suites share: an account of new users, the file that gives them console access, the check. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { deliveredPasswords, everyDelivered, sandboxAccepts, type AccountSpec, type Target } from './harness.js';

export const names = (n: number, prefix = 'user') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

export function account(users: string[]): AccountSpec {
  return { users: [{ name: 'admin', console: { passwordResetRequired: false } }, ...users.map((name) => ({ name, path: '/staff/' }))] };
}

export function config(users: string[], rotation?: string): string {
  return `version: 1
scope: { pathPrefix: /staff/ }
defaults:
  passwordResetRequired: true${rotation ? `\n  rotation: "${rotation}"` : ''}
users:
${users.map((u) => `  ${u}: { console: true }`).join('\n')}
`;
}

/** Every password this suite delivered, confirmed or not, for the final search of every output. */
export const secrets = new Set<string>();

/**
 * Every user's newest delivered password is the one the sandbox holds, and no temporary file of an interrupted write
 * is left; returns how many users were checked.
 */
export async function expectEveryPasswordValid(target: Target, dir: string, users: string[]): Promise<number> {
  for (const p of await everyDelivered(dir)) secrets.add(p);
  expect((await readdir(join(dir, '123456789012'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  const delivered = await deliveredPasswords(dir);
  for (const user of users) {
    const password = delivered.get(user);
    expect(password, `${user} has no delivered password`).toBeDefined();
    expect(await sandboxAccepts(target, user, password as string), `${user}'s newest delivered password is not the one IAM holds`).toBe(true);
  }
  return users.length;
}

