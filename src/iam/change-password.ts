/**
 * Whether users may call `iam:ChangePassword` on themselves, for IP102, at the fewest `SimulatePrincipalPolicy`
 * calls that keep every answer exact: one per user, or, when counting says it can pay, one per class of users that
 * `plan/permission-classes.ts` proves get the same answer (read from `GetAccountAuthorizationDetails`). Nothing here
 * fails the plan: a call that fails leaves the answer unknown, with the reason.
 */
import type { ChangePasswordDecision, Unknown } from '../model/facts.js';
import type { ChangePasswordCost } from '../model/plan.js';
import {
  candidateClasses,
  chooseSimulationMethod,
  documentsToRead,
  proveClasses,
  type Candidate,
  type SimulationUnit,
} from '../plan/permission-classes.js';
import { mapLimit } from '../util/pool.js';
import { knownOr } from './errors.js';
import type { IamGateway } from './gateway.js';

export interface ChangePasswordOptions {
  concurrency: number;
  aborted?: () => boolean;
}

export interface ChangePasswordAnswers {
  decisions: Map<string, ChangePasswordDecision>;
  cost: ChangePasswordCost;
}

/**
 * `users`: who needs an answer, with their ARNs; `accountUsers`: how many users the account holds (what reading
 * the permission sets costs depends on it).
 */
export async function readChangePassword(
  gateway: IamGateway,
  users: ReadonlyArray<{ name: string; arn: string }>,
  accountUsers: number,
  options: ChangePasswordOptions,
): Promise<ChangePasswordAnswers> {
  const shouldStop = options.aborted ?? (() => false);
  const method = chooseSimulationMethod(users.length, accountUsers);
  const names = users.map((u) => u.name);
  let units: SimulationUnit[] = names.map((name) => ({ members: [name] }));
  let why = method.why;
  let grouped = false;
  if (method.kind === 'by-permission-set') {
    const details = await knownOr(() => gateway.authorizationDetails(method.maxPages), 'GetAccountAuthorizationDetails');
    if (details === null) {
      why = `${method.why}; but GetAccountAuthorizationDetails needed more than ${method.maxPages} pages, so each user was simulated`;
    } else if ('unknown' in details) {
      why = `${method.why}; but ${details.unknown}, so each user was simulated`;
    } else {
      const { candidates, alone } = candidateClasses(names, details);
      const documents = await readDocuments(gateway, candidates, (c) => documentsToRead(c, details), options);
      units = [...proveClasses(candidates, (arn) => details.policies.get(arn) ?? documents.get(arn)), ...alone.map((a) => ({ members: [a.user], reason: a.reason }))];
      grouped = true;
    }
  }

  const arnOf = new Map(users.map((u) => [u.name, u.arn]));
  const decisions = new Map<string, ChangePasswordDecision>();
  await mapLimit(
    units,
    options.concurrency,
    async (unit) => {
      const arn = arnOf.get(unit.members[0]!) ?? '';
      // The user's own ARN as the resource: iam:ChangePassword is only ever asked for on oneself.
      const decision = await knownOr(() => gateway.simulatePrincipalPolicy(arn, 'iam:ChangePassword', arn), 'SimulatePrincipalPolicy');
      for (const member of unit.members) decisions.set(member, decision);
    },
    shouldStop,
  );
  const shared = units.filter((u) => u.members.length > 1);
  const unproven = units.filter((u) => u.reason !== undefined);
  if (unproven.length > 0) {
    const first = unproven[0]!;
    why = `${why}; ${unproven.length} user${unproven.length === 1 ? ' was' : 's were'} simulated alone (${first.members[0]}: ${first.reason})`;
  }
  return {
    decisions,
    cost: {
      method: grouped ? 'by-permission-set' : 'per-user',
      usersAsked: users.length,
      simulations: units.length,
      shared: { classes: shared.length, members: shared.reduce((n, u) => n + u.members.length, 0) },
      why,
    },
  };
}

/**
 * The AWS-managed documents worth reading: for the largest classes first, a policy is read (GetPolicy and
 * GetPolicyVersion, once each however many classes use it) only when the calls it costs are fewer than the
 * simulations the class would save. A policy not read leaves its classes unproven: their users are simulated alone.
 */
async function readDocuments(
  gateway: IamGateway,
  candidates: readonly Candidate[],
  toRead: (c: Candidate) => string[],
  options: ChangePasswordOptions,
): Promise<Map<string, string | Unknown>> {
  const planned = new Set<string>();
  const skipped = new Set<string>();
  for (const candidate of [...candidates].sort((a, b) => b.members.length - a.members.length)) {
    if (candidate.members.length < 2) continue;
    const fresh = toRead(candidate).filter((arn) => !planned.has(arn));
    if (2 * fresh.length < candidate.members.length - 1) for (const arn of fresh) planned.add(arn);
    else for (const arn of fresh) skipped.add(arn);
  }
  const arns = [...planned];
  const read = await mapLimit(arns, options.concurrency, (arn) => knownOr(() => gateway.policyDocument(arn), 'GetPolicy or GetPolicyVersion'), options.aborted);
  const documents = new Map<string, string | Unknown>(arns.map((arn, i) => [arn, read[i]!]));
  for (const arn of skipped) if (!documents.has(arn)) documents.set(arn, { unknown: 'not read, as its two calls would cost more than simulating each user of the class' });
  return documents;
}
