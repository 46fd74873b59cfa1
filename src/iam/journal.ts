/**
 * The record, kept in IAM itself, of users whose password may be unknown: an IAM group that grants nothing,
 * `iampass-unconfirmed-passwords` at path `/iampass/`. Apply adds a user before a password-setting write and removes
 * it once the password IAM holds is known again; a run that dies or loses IAM in between leaves the user in it, and
 * every plan reads it in one call (`GetGroup`), so the next plan sets a known password instead of saying "No
 * changes". A group, because its membership is unbounded, listed in one paginated call, and needs no local state:
 * every machine that applies (two CI runners, a laptop, a CronJob) sees the same record.
 */
import { IamError } from './errors.js';
import type { IamGateway } from './gateway.js';

/** Where apply records the users whose password may be unknown, and clears them once it is known. */
export interface PasswordJournal {
  mark(user: string): Promise<void>;
  clear(user: string): Promise<void>;
}

export const JOURNAL_GROUP = 'iampass-unconfirmed-passwords';
export const JOURNAL_PATH = '/iampass/';

export function iamJournal(gateway: IamGateway): PasswordJournal {
  let created: Promise<void> | undefined;
  const ensureGroup = () =>
    (created ??= gateway.createGroup(JOURNAL_PATH, JOURNAL_GROUP).catch((error: unknown) => {
      if (error instanceof IamError && error.code === 'EntityAlreadyExists') return;
      created = undefined;
      throw error;
    }));
  return {
    async mark(user) {
      await ensureGroup();
      await gateway.addUserToGroup(JOURNAL_GROUP, user);
    },
    async clear(user) {
      try {
        await gateway.removeUserFromGroup(JOURNAL_GROUP, user);
      } catch (error) {
        // Not a member (or no group): the record is already clear.
        if (error instanceof IamError && error.code === 'NoSuchEntity') return;
        throw error;
      }
    },
  };
}

/** The users recorded now; none when the group does not exist. */
export async function readJournal(gateway: IamGateway): Promise<string[]> {
  return (await gateway.getGroupMembers(JOURNAL_GROUP)) ?? [];
}
