/**
 * The validated raw data of a file (or of one account's merged state) into a DesiredState: defaults folded into
 * users, absent settings filled in, relative paths made absolute. Pure: reads nothing.
 */
import { resolve } from 'node:path';
import type { PasswordPolicy } from '../model/policy.js';
import type { PasswordSource } from '../model/plan.js';
import {
  DEFAULT_ADVISORY_SETTINGS,
  type DesiredState,
  type DesiredUser,
  type FailOn,
  type PolicyIntent,
  type SourcePosition,
  type UnlistedMode,
} from '../model/desired.js';
import { escapePointerSegment } from './source.js';

/** Raw shapes after schema validation succeeded. */
export interface RawPolicy {
  minimumLength: number;
  requireUppercase?: boolean;
  requireLowercase?: boolean;
  requireNumbers?: boolean;
  requireSymbols?: boolean;
  allowUsersToChangePassword?: boolean;
  maxAgeDays?: number;
  reusePrevention?: number;
  hardExpiry?: boolean;
}
export interface RawGenerate {
  generate: { length?: number };
}
export type RawPassword = RawGenerate | { env: string } | { file: string };
export interface RawUser {
  console: boolean;
  passwordResetRequired?: boolean;
  password?: RawPassword;
  rotation?: string | false;
  pgpKey?: string;
  acknowledge?: Record<string, string>;
}
export interface RawScope {
  pathPrefix?: string;
  tags?: Record<string, string>;
  unlisted?: UnlistedMode;
  protected?: string[];
}
export interface RawDefaults {
  passwordResetRequired?: boolean;
  password?: RawGenerate;
  rotation?: string;
  pgpKeyDir?: string;
}
export interface RawAdvisories {
  unusedDays?: number;
  expiringWithinDays?: number;
  failOn?: FailOn;
  acknowledge?: Record<string, string>;
}
export interface RawConfig {
  version: 1;
  account?: string;
  passwordPolicy?: 'default' | RawPolicy;
  scope?: RawScope;
  defaults?: RawDefaults;
  users?: Record<string, RawUser>;
  advisories?: RawAdvisories;
}

/** Generated passwords are this long unless the file says otherwise (never below the policy's minimum). */
export const DEFAULT_GENERATED_LENGTH = 20;

/** Where the value at a pointer of the raw data was written, for the display-only positions of the state. */
export type PositionOf = (pointer: string, anchor: 'key' | 'value') => SourcePosition | undefined;

export function buildState(raw: RawConfig, position: PositionOf, baseDir: string): DesiredState {
  const defaultReset = raw.defaults?.passwordResetRequired ?? true;
  const defaultLength = raw.defaults?.password?.generate.length ?? DEFAULT_GENERATED_LENGTH;
  const users: DesiredUser[] = Object.entries(raw.users ?? {}).map(([name, u]) => {
    const p = u.password;
    const password: PasswordSource =
      p === undefined
        ? { kind: 'generate', length: defaultLength }
        : 'env' in p
          ? { kind: 'env', name: p.env }
          : 'file' in p
            ? { kind: 'file', path: resolve(baseDir, p.file) }
            : { kind: 'generate', length: p.generate.length ?? defaultLength };
    const user: DesiredUser = {
      name,
      console: u.console,
      passwordResetRequired: u.passwordResetRequired ?? defaultReset,
      password,
      rotation: u.rotation === false ? null : (u.rotation ?? raw.defaults?.rotation ?? null),
      pgpKey: u.pgpKey === undefined ? null : resolve(baseDir, u.pgpKey),
    };
    if (u.acknowledge !== undefined && Object.keys(u.acknowledge).length > 0) user.acknowledge = { ...u.acknowledge };
    const at = position(`/users/${escapePointerSegment(name)}`, 'key');
    if (at !== undefined) user.at = at;
    return user;
  });
  users.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const state: DesiredState = {
    version: 1,
    account: raw.account ?? null,
    passwordPolicy: policyIntent(raw.passwordPolicy),
    scope: {
      pathPrefix: raw.scope?.pathPrefix ?? null,
      tags: Object.fromEntries(Object.entries(raw.scope?.tags ?? {})),
      unlisted: raw.scope?.unlisted ?? 'ignore',
      protected: [...(raw.scope?.protected ?? [])],
    },
    defaults: {
      passwordResetRequired: defaultReset,
      pgpKeyDir: raw.defaults?.pgpKeyDir === undefined ? null : resolve(baseDir, raw.defaults.pgpKeyDir),
      rotation: raw.defaults?.rotation ?? null,
    },
    users,
    advisories: {
      unusedDays: raw.advisories?.unusedDays ?? DEFAULT_ADVISORY_SETTINGS.unusedDays,
      expiringWithinDays: raw.advisories?.expiringWithinDays ?? DEFAULT_ADVISORY_SETTINGS.expiringWithinDays,
      failOn: raw.advisories?.failOn ?? DEFAULT_ADVISORY_SETTINGS.failOn,
      acknowledge: { ...(raw.advisories?.acknowledge ?? {}) },
    },
  };
  if (raw.account !== undefined) {
    const accountAt = position('/account', 'value');
    if (accountAt !== undefined) state.accountAt = accountAt;
  }
  const protectedAt = new Map<string, SourcePosition>();
  (raw.scope?.protected ?? []).forEach((name, i) => {
    const at = position(`/scope/protected/${i}`, 'value');
    if (at !== undefined && !protectedAt.has(name)) protectedAt.set(name, at);
  });
  if (protectedAt.size > 0) state.protectedAt = protectedAt;
  return state;
}

function policyIntent(raw: RawConfig['passwordPolicy']): PolicyIntent {
  if (raw === undefined) return { kind: 'unmanaged' };
  if (raw === 'default') return { kind: 'aws-default' };
  const policy: PasswordPolicy = {
    minimumLength: raw.minimumLength,
    requireUppercase: raw.requireUppercase ?? false,
    requireLowercase: raw.requireLowercase ?? false,
    requireNumbers: raw.requireNumbers ?? false,
    requireSymbols: raw.requireSymbols ?? false,
    allowUsersToChangePassword: raw.allowUsersToChangePassword ?? false,
    maxAgeDays: raw.maxAgeDays ?? null,
    reusePrevention: raw.reusePrevention ?? null,
    hardExpiry: raw.hardExpiry ?? false,
  };
  return { kind: 'custom', policy };
}
