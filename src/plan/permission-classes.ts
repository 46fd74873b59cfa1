/**
 * Which users provably get the same answer from `SimulatePrincipalPolicy` for `iam:ChangePassword` on their own
 * ARN, so one simulation can stand for all of them. Pure: IAM's description of each permission set in, classes out.
 *
 * Two users share a class when IAM describes the same permission set for both (same path, same attached managed
 * policies, same inline documents, same groups, same permissions boundary) and every document involved answers
 * the same for every member: no statement that could cover `iam:ChangePassword` may name one member and not
 * another (a literal ARN, a wildcard that could match some names and not others), use a policy variable other
 * than a trailing `/${aws:username}` in a resource, or carry a condition on a key whose value differs by principal
 * (principal tags, user name or id, principal ARN, resource tags, ...). Anything not proven is simulated alone:
 * the classes only ever save calls, they never change an answer.
 *
 * Why a trailing `/${aws:username}` is safe: the user's own ARN is `arn:aws:iam::ACCOUNT:user` + path + name, and
 * a name holds neither `/` nor `:` nor a wildcard. A pattern `Q/${aws:username}` becomes `Q/` + name, whose
 * literal tail `/` + name can only match the ARN's own tail; so it matches iff `Q` matches the ARN without
 * `/` + name, which is the same for every user of the path. The same holds for a pattern ending in `/*` or `:*`:
 * the separator must match one inside the path part (the name has none) and the final `*` takes the rest.
 */
import { isUnknown, type Unknown } from '../model/facts.js';
import { isAwsManagedPolicy, type AuthorizationDetails, type UserPermissions } from '../model/permissions.js';
import { byCodePoint } from '../util/compare.js';

/** A user simulated on their own, and why equivalence with others could not be used. */
export interface AloneUser {
  user: string;
  reason: string;
}

/**
 * Users IAM describes with the same permission set, before any document is judged. `members` are sorted by name;
 * `managed` lists every managed policy the set involves (the user's, its groups', the boundary), sorted.
 */
export interface Candidate {
  members: UserPermissions[];
  managed: string[];
  inline: string[];
}

/** One `SimulatePrincipalPolicy` call: its first member is simulated and the answer stands for all `members`. */
export interface SimulationUnit {
  members: string[];
  /** Why this user is simulated alone, when the unit has one member for a reason other than having no twin. */
  reason?: string;
}

/** Groups the users to simulate by permission set. Users the details do not describe fully are `alone`. */
export function candidateClasses(users: readonly string[], details: AuthorizationDetails): { candidates: Candidate[]; alone: AloneUser[] } {
  const alone: AloneUser[] = [];
  const byKey = new Map<string, Candidate>();
  for (const name of [...users].sort(byCodePoint)) {
    const user = details.users.get(name);
    if (user === undefined) {
      alone.push({ user: name, reason: 'not in GetAccountAuthorizationDetails (created after it was read?)' });
      continue;
    }
    const missing = user.groups.find((g) => !details.groups.has(g));
    if (missing !== undefined) {
      alone.push({ user: name, reason: `its group ${missing} is not in GetAccountAuthorizationDetails` });
      continue;
    }
    const key = JSON.stringify([user.path, user.attached, user.inline.map((p) => [p.name, p.document]), user.groups, user.boundary]);
    const existing = byKey.get(key);
    if (existing) {
      existing.members.push(user);
      continue;
    }
    const groups = user.groups.map((g) => details.groups.get(g)!);
    const managed = new Set([...user.attached, ...groups.flatMap((g) => g.attached), ...(user.boundary === null ? [] : [user.boundary])]);
    byKey.set(key, {
      members: [user],
      managed: [...managed].sort(byCodePoint),
      inline: [...user.inline, ...groups.flatMap((g) => g.inline)].map((p) => p.document),
    });
  }
  return { candidates: [...byKey.values()], alone };
}

/** Managed policies a candidate needs whose documents `details` does not hold: AWS-managed ones, read one by one. */
export function documentsToRead(candidate: Candidate, details: AuthorizationDetails): string[] {
  return candidate.managed.filter((arn) => !details.policies.has(arn) && isAwsManagedPolicy(arn));
}

/**
 * The simulations the candidates need. `documentOf` answers a managed policy's default-version document, an
 * `Unknown` when it could not be read, or `undefined` when it was not read (then the candidate is not proven).
 */
export function proveClasses(
  candidates: readonly Candidate[],
  documentOf: (arn: string) => string | Unknown | undefined,
): SimulationUnit[] {
  const units: SimulationUnit[] = [];
  for (const candidate of candidates) {
    const names = candidate.members.map((m) => m.name);
    if (names.length === 1) {
      units.push({ members: names });
      continue;
    }
    const verdict = judgeCandidate(candidate, documentOf);
    if ('why' in verdict) {
      for (const name of names) units.push({ members: [name], reason: verdict.why });
      continue;
    }
    const rest = names.filter((n) => !verdict.named.has(n));
    for (const name of names) if (verdict.named.has(name)) units.push({ members: [name], reason: 'a policy names this user' });
    if (rest.length > 0) units.push({ members: rest });
  }
  return units;
}

type Verdict = { named: Set<string> } | { why: string };

function judgeCandidate(candidate: Candidate, documentOf: (arn: string) => string | Unknown | undefined): Verdict {
  const members = candidate.members.map((m) => ({ name: m.name, arn: m.arn }));
  const named = new Set<string>();
  const documents: Array<[string, string]> = candidate.inline.map((d) => ['an inline policy', d]);
  for (const arn of candidate.managed) {
    const document = documentOf(arn);
    if (document === undefined) return { why: `${arn} was not read` };
    if (isUnknown(document)) return { why: `${arn}: ${document.unknown}` };
    documents.push([arn, document]);
  }
  for (const [where, document] of documents) {
    const verdict = judgeDocument(document, members);
    if ('why' in verdict) return { why: `${where}: ${verdict.why}` };
    for (const n of verdict.named) named.add(n);
  }
  return { named };
}

/**
 * Whether a policy document gives every one of `members` (same account, same path) the same answer for
 * `iam:ChangePassword` on their own ARN. `named`: members a literal resource names (each is simulated alone).
 */
export function judgeDocument(text: string, members: ReadonlyArray<{ name: string; arn: string }>): Verdict {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { why: 'not valid JSON' };
  }
  if (!isObject(document)) return { why: 'not a JSON object' };
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const named = new Set<string>();
  for (const statement of statements) {
    const verdict = judgeStatement(statement, members);
    if ('why' in verdict) return verdict;
    for (const n of verdict.named) named.add(n);
  }
  return { named };
}

function judgeStatement(statement: unknown, members: ReadonlyArray<{ name: string; arn: string }>): Verdict {
  if (!isObject(statement)) return { why: 'a statement is not an object' };
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return { why: 'a statement has no Effect Allow or Deny' };
  if ('Principal' in statement || 'NotPrincipal' in statement) return { why: 'a statement names a principal' };
  const actions = strings(statement.Action ?? statement.NotAction);
  if (actions === null || ('Action' in statement) === ('NotAction' in statement)) return { why: 'a statement has no Action or NotAction list' };
  const matches = actions.some((a) => globMatch(a.toLowerCase(), 'iam:changepassword'));
  // A statement that cannot cover iam:ChangePassword plays no part in the answer, whatever else it says.
  if ('Action' in statement ? !matches : matches) return { named: new Set() };
  const resources = strings(statement.Resource ?? statement.NotResource);
  if (resources === null || ('Resource' in statement) === ('NotResource' in statement)) return { why: 'a statement has no Resource or NotResource list' };
  const named = new Set<string>();
  for (const resource of resources) {
    const verdict = judgeResource(resource, members);
    if ('why' in verdict) return verdict;
    for (const n of verdict.named) named.add(n);
  }
  if ('Condition' in statement) {
    const why = judgeCondition(statement.Condition);
    if (why !== null) return { why };
  }
  return { named };
}

const TRAILING_USERNAME = /[/:]\$\{aws:username\}$/i;

function judgeResource(pattern: string, members: ReadonlyArray<{ name: string; arn: string }>): Verdict {
  const none = { named: new Set<string>() };
  if (pattern === '*') return none;
  if (pattern.includes('${')) {
    const head = pattern.replace(TRAILING_USERNAME, '');
    if (head !== pattern && !head.includes('${')) return none;
    return { why: `the resource ${pattern} uses a policy variable that can differ by user` };
  }
  if (!/[*?]/.test(pattern)) {
    // A literal ARN matches one user at most: that member is told apart, the others answer alike (no match).
    const lower = pattern.toLowerCase();
    return { named: new Set(members.filter((m) => m.arn.toLowerCase() === lower).map((m) => m.name)) };
  }
  if (/[/:]\*$/.test(pattern)) return none;
  // A pattern whose literal head or tail no member's ARN has matches none of them.
  const lowerPattern = pattern.toLowerCase();
  const head = lowerPattern.slice(0, lowerPattern.search(/[*?]/));
  const tail = lowerPattern.slice(Math.max(lowerPattern.lastIndexOf('*'), lowerPattern.lastIndexOf('?')) + 1);
  if (members.every((m) => !m.arn.toLowerCase().startsWith(head) || !m.arn.toLowerCase().endsWith(tail))) return none;
  return { why: `the resource ${pattern} has a wildcard that could match some user names and not others` };
}

/**
 * Condition keys whose value is the same for every IAM user of one account in a simulation without context
 * entries: about the request, the network, the time, or the account and organization of the caller. Any key
 * not listed (user name or id, principal ARN or tags, resource tags, ...) could differ by user.
 */
const SAME_FOR_EVERY_USER = new Set(
  [
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:MultiFactorAuthPresent',
    'aws:MultiFactorAuthAge',
    'aws:SecureTransport',
    'aws:SourceIp',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:VpcSourceIp',
    'aws:RequestedRegion',
    'aws:UserAgent',
    'aws:Referer',
    'aws:ViaAWSService',
    'aws:CalledVia',
    'aws:CalledViaFirst',
    'aws:CalledViaLast',
    'aws:TokenIssueTime',
    'aws:PrincipalAccount',
    'aws:PrincipalType',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalIsAWSService',
  ].map((k) => k.toLowerCase()),
);

function judgeCondition(condition: unknown): string | null {
  if (!isObject(condition)) return 'a Condition is not an object';
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) return `the condition ${operator} is not an object`;
    for (const [key, values] of Object.entries(block)) {
      if (!SAME_FOR_EVERY_USER.has(key.toLowerCase())) return `a condition on ${key}, which can differ by user`;
      const list = Array.isArray(values) ? values : [values];
      if (list.some((v) => typeof v === 'string' && v.includes('${'))) return `a condition on ${key} compares with a policy variable`;
    }
  }
  return null;
}

/** IAM's wildcard match: `*` any run of characters, `?` any one. */
function globMatch(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(text);
}

function strings(value: unknown): string[] | null {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** IAM answers up to 1,000 items a page of GetAccountAuthorizationDetails (it may answer fewer). */
export const AUTHORIZATION_PAGE_ITEMS = 1000;

export type SimulationMethod = { kind: 'per-user'; why: string } | { kind: 'by-permission-set'; maxPages: number; why: string };

/**
 * Chosen by counting. Reading the permission sets costs at least one page per 1,000 users of the account, and then
 * at least one simulation: when that is not fewer calls than one simulation per user, grouping cannot pay. Else the
 * sets are read with a budget of `users - 1` pages, past which even one class for everybody would not save a call.
 */
export function chooseSimulationMethod(users: number, accountUsers: number): SimulationMethod {
  const pages = Math.max(1, Math.ceil(accountUsers / AUTHORIZATION_PAGE_ITEMS));
  const count = `${users} user${users === 1 ? '' : 's'} to simulate`;
  if (users <= pages + 1) {
    return { kind: 'per-user', why: `${count}; reading the permission sets of ${accountUsers} users takes at least ${pages} page${pages === 1 ? '' : 's'} plus one simulation, which saves nothing` };
  }
  return {
    kind: 'by-permission-set',
    maxPages: users - 1,
    why: `${count}; the permission sets of ${accountUsers} users take about ${pages} page${pages === 1 ? '' : 's'} of GetAccountAuthorizationDetails, then one simulation per class of users proven to get the same answer`,
  };
}
