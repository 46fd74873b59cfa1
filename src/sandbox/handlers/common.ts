/** What every operation handler shares: its context, paging, and the common response shapes. */
import { IamError } from '../errors.js';
import type { Principal } from '../identity.js';
import { USER_NAME } from '../names.js';
import type { QueryParams, Validation } from '../protocol/query.js';
import type { XmlElement } from '../protocol/xml.js';
import { compareNames, type Account, type SandboxState, type UserData } from '../state.js';

export interface HandlerContext {
  /** The caller's account, which every IAM call acts on. Read it after the handler's last `await`: see `Operation`. */
  readonly account: Account;
  /** Who signed the request. */
  readonly caller: Principal;
  /** The whole sandbox, for calls that reach other accounts (STS AssumeRole). */
  readonly state: SandboxState;
  readonly params: QueryParams;
  readonly now: Date;
}

/**
 * One API action. A handler validates its input, does any slow work (password hashing) that does not
 * depend on the account, and only then, after its last `await`, reads and changes the account in one
 * synchronous stretch. Concurrent requests therefore never interleave inside a decision, and a call that
 * fails leaves the account untouched (every check comes before the first change).
 */
export interface Operation {
  /**
   * A successful call may have changed the account, so the state file is rewritten after it, and CloudTrail
   * records it as a write (unless `recorded` is false).
   */
  readonly mutates: boolean;
  /** Default: `mutates`. False for a call that changes only what the sandbox keeps, not the account's IAM. */
  readonly recorded?: boolean;
  /** The children of `<{Action}Result>`, or `undefined` for actions that answer no result element. */
  run(context: HandlerContext): XmlElement[] | undefined | Promise<XmlElement[] | undefined>;
}

/** A user name that must name an existing user: IAM accepts up to 128 characters here, 64 when creating. */
export const EXISTING_USER_NAME = { ...USER_NAME, max: 128 };

/**
 * `UserName`, which in many calls defaults to the calling IAM user when omitted, as IAM does; a role session has
 * no user to default to, and IAM says so.
 */
export function userNameOrCaller(validation: Validation, caller: Principal): string {
  const name = validation.string('UserName', EXISTING_USER_NAME);
  if (name !== undefined) return name;
  if (caller.kind === 'user') return caller.user.name;
  throw new IamError('ValidationError', 'Must specify userName when calling with non-User credentials');
}

export interface Paging {
  maxItems: number;
  /** The key of the last item the previous page returned. */
  after: string | undefined;
}

/** Reads `MaxItems` (1-1000, default 100) and `Marker`. */
export function readPaging(validation: Validation, params: QueryParams): Paging {
  const maxItems = validation.int('MaxItems', { min: 1, max: 1000 }) ?? 100;
  const marker = params.string('Marker');
  return { maxItems, after: marker === undefined ? undefined : Buffer.from(marker, 'base64url').toString('utf8') };
}

/**
 * One page of `items` (already in `compareNames` order of `keyOf`). The marker names the last item returned, so
 * paging stays consistent while users are created or deleted between pages.
 */
export function page<T>(items: readonly T[], paging: Paging, keyOf: (item: T) => string): { items: T[]; tail: XmlElement[] } {
  const { after } = paging;
  const start = after === undefined ? 0 : items.findIndex((item) => compareNames(keyOf(item), after) > 0);
  const rest = start < 0 ? [] : items.slice(start);
  const truncated = rest.length > paging.maxItems;
  const returned = rest.slice(0, paging.maxItems);
  const last = returned.at(-1);
  const marker = truncated && last !== undefined ? Buffer.from(keyOf(last), 'utf8').toString('base64url') : undefined;
  return { items: returned, tail: [['IsTruncated', truncated], ['Marker', marker]] };
}

/**
 * A `User` element. ListUsers leaves tags out (IAM's listings return a subset of attributes); GetUser and
 * CreateUser include them.
 */
export function userElements(account: Account, user: UserData, withTags: boolean): XmlElement[] {
  return [
    ['Path', user.path],
    ['UserName', user.name],
    ['UserId', user.id],
    ['Arn', account.userArn(user)],
    ['CreateDate', user.createDate],
    ['PasswordLastUsed', user.passwordLastUsed ?? undefined],
    ['Tags', withTags && user.tags.length > 0 ? tagElements(user.tags) : undefined],
  ];
}

export function tagElements(tags: readonly { key: string; value: string }[]): XmlElement[] {
  return tags.map((tag): XmlElement => ['member', [['Key', tag.key], ['Value', tag.value]]]);
}
