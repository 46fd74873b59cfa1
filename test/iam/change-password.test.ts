/**
 * IP102's answers through the SDK's real serialisation: GetAccountAuthorizationDetails as IAM sends it (pages,
 * URL-encoded documents), the default version of an AWS-managed policy, then one simulation per proven class.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsGateway } from '../../src/iam/aws.js';
import { readChangePassword } from '../../src/iam/change-password.js';
import { Caller } from '../../src/iam/retry.js';
import { ENDPOINT, expectCall, replyError, replyOk } from '../support/iam-nock.js';

const fastRetries = { maxAttempts: 3, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2 };
const ACCOUNT = '123456789012';
const arn = (name: string, path = '/staff/') => `arn:aws:iam::${ACCOUNT}:user${path}${name}`;
const CHANGE_PASSWORD = 'arn:aws:iam::aws:policy/IAMUserChangePassword';

function gateway() {
  const caller = new Caller({ policy: fastRetries });
  return { caller, gateway: createAwsGateway({ endpointUrl: ENDPOINT, region: 'us-east-1', concurrency: 4 }, caller) };
}

/** As IAM sends documents in GetAccountAuthorizationDetails and GetPolicyVersion: URL-encoded (RFC 3986). */
const encode = (document: unknown) => encodeURIComponent(JSON.stringify(document));

const ATTACHED = `<AttachedManagedPolicies><member><PolicyName>IAMUserChangePassword</PolicyName><PolicyArn>${CHANGE_PASSWORD}</PolicyArn></member></AttachedManagedPolicies>`;
const TEAM_POLICY = encode({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }],
});
const SUBPATH_POLICY = encode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::*:user/staff/${aws:username}' }] });

function userDetail(name: string, body: string): string {
  return `<member><Path>/staff/</Path><UserName>${name}</UserName><UserId>AIDA${name.toUpperCase()}</UserId><Arn>${arn(name)}</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate>${body}</member>`;
}

const withChangePassword = (name: string) =>
  userDetail(name, `<UserPolicyList><member><PolicyName>ChangeOwnPassword</PolicyName><PolicyDocument>${SUBPATH_POLICY}</PolicyDocument></member></UserPolicyList><GroupList/>${ATTACHED}`);
const withTeamPolicy = (name: string) =>
  userDetail(name, `<UserPolicyList><member><PolicyName>Team</PolicyName><PolicyDocument>${TEAM_POLICY}</PolicyDocument></member></UserPolicyList><GroupList/><AttachedManagedPolicies/><Tags><member><Key>team</Key><Value>blue</Value></member></Tags>`);

const GAAD_FILTER = { 'Filter.member.1': 'User', 'Filter.member.2': 'Group', 'Filter.member.3': 'LocalManagedPolicy', MaxItems: '1000' };

function gaadPage(users: string[], marker: string | null, extra: Record<string, string> = {}) {
  return replyOk(
    expectCall('GetAccountAuthorizationDetails', { ...GAAD_FILTER, ...extra }),
    'GetAccountAuthorizationDetails',
    `<UserDetailList>${users.join('')}</UserDetailList><GroupDetailList/><RoleDetailList/><Policies/>` +
      `<IsTruncated>${marker !== null}</IsTruncated>${marker !== null ? `<Marker>${marker}</Marker>` : ''}`,
  );
}

function simulate(name: string, decision: string) {
  return replyOk(
    expectCall('SimulatePrincipalPolicy', { PolicySourceArn: arn(name), 'ActionNames.member.1': 'iam:ChangePassword', 'ResourceArns.member.1': arn(name) }),
    'SimulatePrincipalPolicy',
    `<EvaluationResults><member><EvalActionName>iam:ChangePassword</EvalActionName><EvalResourceName>${arn(name)}</EvalResourceName><EvalDecision>${decision}</EvalDecision><MatchedStatements/><MissingContextValues/></member></EvaluationResults><IsTruncated>false</IsTruncated>`,
  );
}

const users = (...names: string[]) => names.map((name) => ({ name, arn: arn(name) }));

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('iam:ChangePassword by permission set', () => {
  it('reads every page, the AWS-managed document once, and simulates one member per proven class', async () => {
    const six = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
    gaadPage([...six.slice(0, 4).map(withChangePassword)], 'page-2-token');
    gaadPage([...six.slice(4).map(withChangePassword), withTeamPolicy('gus'), withTeamPolicy('hal')], null, { Marker: 'page-2-token' });
    replyOk(
      expectCall('GetPolicy', { PolicyArn: CHANGE_PASSWORD }),
      'GetPolicy',
      `<Policy><PolicyName>IAMUserChangePassword</PolicyName><PolicyId>ANPA1</PolicyId><Arn>${CHANGE_PASSWORD}</Arn><Path>/</Path><DefaultVersionId>v2</DefaultVersionId><AttachmentCount>6</AttachmentCount><IsAttachable>true</IsAttachable></Policy>`,
    );
    replyOk(
      expectCall('GetPolicyVersion', { PolicyArn: CHANGE_PASSWORD, VersionId: 'v2' }),
      'GetPolicyVersion',
      `<PolicyVersion><Document>${encode({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['iam:ChangePassword'], Resource: ['arn:aws:iam::*:user/${aws:username}'] },
          { Effect: 'Allow', Action: ['iam:GetAccountPasswordPolicy'], Resource: '*' },
        ],
      })}</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2016-11-15T00:25:16Z</CreateDate></PolicyVersion>`,
    );
    simulate('ann', 'allowed');
    simulate('gus', 'allowed');
    simulate('hal', 'implicitDeny');

    const { gateway: gw, caller } = gateway();
    const answers = await readChangePassword(gw, users(...six, 'gus', 'hal'), 8, { concurrency: 2 });
    expect(Object.fromEntries(answers.decisions)).toEqual({ ann: 'allowed', ben: 'allowed', cat: 'allowed', dan: 'allowed', eve: 'allowed', fay: 'allowed', gus: 'allowed', hal: 'denied' });
    expect(answers.cost).toMatchObject({ method: 'by-permission-set', usersAsked: 8, simulations: 3, shared: { classes: 1, members: 6 } });
    expect(answers.cost.why).toContain('2 users were simulated alone (gus: an inline policy: a condition on aws:PrincipalTag/team, which can differ by user)');
    expect(caller.stats.calls).toBe(2 + 2 + 3);
  });

  it('simulates each user when there are too few to pay for the pages', async () => {
    simulate('ann', 'allowed');
    simulate('ben', 'implicitDeny');
    const { gateway: gw, caller } = gateway();
    const answers = await readChangePassword(gw, users('ann', 'ben'), 9, { concurrency: 2 });
    expect(answers.cost).toMatchObject({ method: 'per-user', simulations: 2, shared: { classes: 0, members: 0 } });
    expect(answers.cost.why).toMatch(/^2 users to simulate; reading the permission sets of 9 users takes at least 1 page plus one simulation, which saves nothing$/);
    expect(caller.stats.calls).toBe(2);
  });

  it('gives up the listing once its pages could no longer save a call, and simulates each user', async () => {
    gaadPage([withChangePassword('ann')], 't2');
    gaadPage([withChangePassword('ben')], 't3', { Marker: 't2' });
    for (const name of ['ann', 'ben', 'cat']) simulate(name, 'allowed');
    const { gateway: gw, caller } = gateway();
    const answers = await readChangePassword(gw, users('ann', 'ben', 'cat'), 3, { concurrency: 1 });
    expect(answers.cost).toMatchObject({ method: 'per-user', simulations: 3 });
    expect(answers.cost.why).toContain('but GetAccountAuthorizationDetails needed more than 2 pages, so each user was simulated');
    expect(caller.stats.calls).toBe(2 + 3);
  });

  it('simulates each user when GetAccountAuthorizationDetails is refused', async () => {
    replyError(expectCall('GetAccountAuthorizationDetails'), 403, 'AccessDenied', 'not authorized to perform: iam:GetAccountAuthorizationDetails');
    for (const name of ['ann', 'ben', 'cat']) simulate(name, 'allowed');
    const answers = await readChangePassword(gateway().gateway, users('ann', 'ben', 'cat'), 3, { concurrency: 1 });
    expect(answers.cost.method).toBe('per-user');
    expect(answers.cost.why).toContain('but GetAccountAuthorizationDetails: AccessDenied: not authorized to perform: iam:GetAccountAuthorizationDetails');
    expect([...answers.decisions.values()]).toEqual(['allowed', 'allowed', 'allowed']);
  });

  it('does not read an AWS-managed policy for a class too small to repay its two calls', async () => {
    gaadPage(['ann', 'ben', 'cat'].map((n) => userDetail(n, `<GroupList/>${ATTACHED}`)), null);
    for (const name of ['ann', 'ben', 'cat']) simulate(name, 'implicitDeny');
    const { gateway: gw, caller } = gateway();
    const answers = await readChangePassword(gw, users('ann', 'ben', 'cat'), 3, { concurrency: 1 });
    expect(answers.cost).toMatchObject({ method: 'by-permission-set', simulations: 3, shared: { classes: 0, members: 0 } });
    expect(answers.cost.why).toContain('not read, as its two calls would cost more than simulating each user of the class');
    expect(caller.stats.calls).toBe(1 + 3);
  });
});
