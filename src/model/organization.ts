import type { DesiredState, SourcePosition } from './desired.js';

/**
 * An organization file: one desired state for many AWS accounts. A file without `organization` is a plain account
 * file and means exactly what it always meant; this is what a file *with* it becomes once loaded and validated.
 *
 * Invariant: every account id is 12 digits and appears at most once in `sections`; `desiredFor(id)` of any target
 * account is a complete, valid `DesiredState` whose `account` is that id (the baseline merged with the account's
 * section by the documented merge rules).
 */
export interface OrganizationDesired {
  version: 1;
  organization: OrganizationSettings;
  /** The baseline: what every target account is held to unless its section says otherwise. */
  baseline: DesiredState;
  /** Per-account sections, already merged over the baseline, by account id. Accounts without one use the baseline. */
  sections: ReadonlyMap<string, AccountSection>;
  /** Every file the configuration was read from (the main file first, then section files), for saved plans. */
  files: readonly ConfigFile[];
}

/** Which accounts of the organization the file governs, and how iampass reaches each. */
export interface OrganizationSettings {
  targets: TargetSelector;
  /** The role assumed in each target account (STS AssumeRole from the caller). Default `OrganizationAccountAccessRole`. */
  roleName: string;
  /** The `sts:ExternalId` the roles require, if any. */
  externalId: string | null;
  /** Where `organization` starts, for messages. Display only. */
  at?: SourcePosition;
}

/**
 * Accounts are selected by any of `all`, `ous` (recursive), `accounts` and `tags` (a union of what each names; tags
 * must all match), then `exclude` removes accounts (by id) or whole OUs (by id). The management account is left out
 * unless `includeManagement`. SUSPENDED accounts are never targets (and are said to be skipped).
 */
export interface TargetSelector {
  all: boolean;
  ous: readonly string[];
  accounts: readonly string[];
  tags: Readonly<Record<string, string>>;
  exclude: readonly string[];
  includeManagement: boolean;
}

/** One account's section, merged over the baseline. */
export interface AccountSection {
  account: string;
  desired: DesiredState;
  /** Per-account override of `organization.roleName` / `externalId`, when the section sets one. */
  roleName: string | null;
  externalId: string | null;
  /** Where the section is: in the main file, or a file of its own. Display only. */
  at?: SourcePosition;
}

/** A file the configuration was read from, by path as given and the sha256 of its bytes. */
export interface ConfigFile {
  file: string;
  sha256: string;
}

/** What `-c FILE` holds: one account's desired state, or an organization's. */
export type Configuration = { kind: 'account'; desired: DesiredState } | { kind: 'organization'; organization: OrganizationDesired };

/** The desired state of `account`: its section if it has one, else the baseline bound to it. */
export function desiredFor(org: OrganizationDesired, account: string): DesiredState {
  return org.sections.get(account)?.desired ?? { ...org.baseline, account };
}

/** The role and external id to reach `account` with. */
export function accessFor(org: OrganizationDesired, account: string): { roleName: string; externalId: string | null } {
  const section = org.sections.get(account);
  return {
    roleName: section?.roleName ?? org.organization.roleName,
    externalId: section?.externalId ?? org.organization.externalId,
  };
}
