/**
 * The advisories' stable ids. An id never changes meaning once released; a retired id is never reused. The
 * README documents each one (a test checks it does), and the schema accepts exactly these in `acknowledge`.
 */

/** Warnings about one user: acknowledged under that user (`users.NAME.acknowledge`). */
export const USER_ADVISORIES = ['IP101', 'IP102', 'IP103', 'IP104', 'IP107', 'IP108'] as const;
/** Warnings about the account as a whole: acknowledged under `advisories.acknowledge`. */
export const ACCOUNT_ADVISORIES = ['IP100', 'IP105', 'IP106', 'IP109', 'IP110'] as const;

export type UserAdvisoryId = (typeof USER_ADVISORIES)[number];
export type AccountAdvisoryId = (typeof ACCOUNT_ADVISORIES)[number];
export type AdvisoryId = UserAdvisoryId | AccountAdvisoryId;

export function isUserAdvisory(id: string): id is UserAdvisoryId {
  return (USER_ADVISORIES as readonly string[]).includes(id);
}

export function isAccountAdvisory(id: string): id is AccountAdvisoryId {
  return (ACCOUNT_ADVISORIES as readonly string[]).includes(id);
}
