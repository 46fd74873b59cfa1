/** STS: GetCallerIdentity (who am I, in which account) and AssumeRole (temporary credentials in another account). */
import { IamError } from '../errors.js';
import { ACCESS_KEY_ID_LENGTH, awsId, secretAccessKey, sessionToken, tokenHash } from '../identifiers.js';
import { principalArn, principalId, type Principal } from '../identity.js';
import { EXTERNAL_ID, SESSION_NAME } from '../names.js';
import { Validation } from '../protocol/query.js';
import type { XmlElement } from '../protocol/xml.js';
import { DEFAULT_SESSION_SECONDS, isoSeconds, type Account, type RoleData, type SandboxState, type SessionData } from '../state.js';
import type { Operation } from './common.js';

export const GetCallerIdentity: Operation = {
  mutates: false,
  run({ caller }) {
    return [
      ['UserId', principalId(caller)],
      ['Account', caller.account.id],
      ['Arn', principalArn(caller)],
    ];
  },
};

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;
const ARN = { min: 20, max: 2048 };
const DURATION = { min: 900, max: 43200 };

/**
 * Refuses, as AWS does, with one AccessDenied message whatever the reason (no such role or account, a trust that
 * does not admit the caller, a wrong or missing ExternalId, a suspended account), so the caller learns nothing
 * about the target. Session policies, tags and MFA are not supported (InvalidInput says so).
 */
export const AssumeRole: Operation = {
  mutates: true,
  // STS calls are not IAM writes; the sandbox records only IAM writes in CloudTrail.
  recorded: false,
  run({ caller, state, params, now }) {
    const v = new Validation(params);
    const roleArn = v.string('RoleArn', { ...ARN, required: true });
    const sessionName = v.string('RoleSessionName', { ...SESSION_NAME, required: true });
    const duration = v.int('DurationSeconds', DURATION);
    const externalId = v.string('ExternalId', EXTERNAL_ID);
    const sourceIdentity = v.string('SourceIdentity', SESSION_NAME);
    v.done();
    for (const unsupported of ['Policy', 'PolicyArns.member.1.arn', 'Tags.member.1.Key', 'SerialNumber', 'TokenCode']) {
      if (params.string(unsupported) !== undefined) {
        throw new IamError('InvalidInput', `The iampass sandbox does not support ${unsupported.split('.')[0]} in AssumeRole.`);
      }
    }
    const match = ROLE_ARN.exec(roleArn);
    if (!match) throw new IamError('ValidationError', `${roleArn} is invalid: RoleArn must be arn:aws:iam::ACCOUNT_ID:role/NAME`);
    const denied = new IamError('AccessDenied', `User: ${principalArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    const target = state.account(match[1]!);
    const role = target?.findRole(match[2]!);
    if (!target || !role || target.roleArn(role) !== roleArn || target.data.status !== 'ACTIVE') throw denied;
    if (!trusts(role, caller) || (role.externalId !== null && role.externalId !== externalId)) throw denied;
    const chained = caller.kind === 'role';
    const inherited = caller.kind === 'role' ? caller.session.sourceIdentity : null;
    // A source identity, once set, stays for every chained session: asking for another is refused.
    if (inherited !== null && sourceIdentity !== undefined && sourceIdentity !== inherited) throw denied;
    const seconds = duration ?? DEFAULT_SESSION_SECONDS;
    if (chained && seconds > DEFAULT_SESSION_SECONDS) {
      throw new IamError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if (seconds > role.maxSessionDuration) throw new IamError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    return issue(target, role, { sessionName, sourceIdentity: sourceIdentity ?? inherited, chained, seconds }, state, now);
  },
};

/** Whether the role's trust policy admits the caller: its account, its user ARN, or (for a session) its role's ARN. */
function trusts(role: RoleData, caller: Principal): boolean {
  const account = caller.account.id;
  const own = caller.kind === 'user' ? caller.account.userArn(caller.user) : caller.account.roleArn(caller.role);
  return role.trustedPrincipals.some((principal) => principal === account || principal === `arn:aws:iam::${account}:root` || principal === own);
}

function issue(
  target: Account,
  role: RoleData,
  request: { sessionName: string; sourceIdentity: string | null; chained: boolean; seconds: number },
  state: SandboxState,
  now: Date,
): XmlElement[] {
  const token = sessionToken();
  const session: SessionData = {
    accessKeyId: awsId('ASIA', ACCESS_KEY_ID_LENGTH),
    tokenHash: tokenHash(token),
    account: target.id,
    roleName: role.name,
    roleId: role.id,
    sessionName: request.sessionName,
    sourceIdentity: request.sourceIdentity,
    chained: request.chained,
    issued: isoSeconds(now),
    expiration: isoSeconds(new Date(now.getTime() + request.seconds * 1000)),
  };
  state.addSession(session, now);
  return [
    ['Credentials', [
      ['AccessKeyId', session.accessKeyId],
      ['SecretAccessKey', secretAccessKey()],
      ['SessionToken', token],
      ['Expiration', session.expiration],
    ]],
    ['AssumedRoleUser', [
      ['AssumedRoleId', `${role.id}:${session.sessionName}`],
      ['Arn', `arn:aws:sts::${target.id}:assumed-role/${role.name}/${session.sessionName}`],
    ]],
    ['SourceIdentity', session.sourceIdentity ?? undefined],
  ];
}
