/**
 * The IAM adapter: the only module that calls the AWS SDK. It is imported lazily (by `connect`) so that offline
 * commands such as `validate` never pay for loading the SDK.
 */
import type { EntityType, GetAccountAuthorizationDetailsCommandOutput, PasswordPolicy as SdkPasswordPolicy } from '@aws-sdk/client-iam';
import type { LoginProfile } from '../model/live.js';
import type { AuthorizationDetails, GroupPermissions, InlinePolicy, UserPermissions } from '../model/permissions.js';
import type { PasswordPolicy } from '../model/policy.js';
import { byCodePoint } from '../util/compare.js';
import { iamNext, paginate, PaginationError, type PaginateOptions } from '../util/paginate.js';
import { originOf, redactUrls } from '../util/redact-url.js';
import type { EndpointChoice, EndpointChoices } from './endpoints.js';
import { IamError, printable, redact, toIamError } from './errors.js';
import type { AccessKeySummary, IamGateway, ListedUser, ReportState } from './gateway.js';
import { createTransport, type TransportOptions } from './http/transport.js';
import { describeDestination } from './http/transport-error.js';
import type { Caller } from './retry.js';
import type { CredentialsProvider } from './sdk-options.js';
import { directQuery, type DirectQuery } from './direct-query.js';
import { clientConfig, tuneClient, withCallDeadline } from './sdk-client.js';
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetCallerIdentityCommand,
  GetCredentialReportCommand,
  GetGroupCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListPolicyTagsCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  RemoveUserFromGroupCommand,
  SimulatePrincipalPolicyCommand,
  STSClient,
  TagPolicyCommand,
  TagUserCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from './sdk.js';

export interface ConnectionOptions {
  /** Endpoint overrides by service, as `resolveEndpoints` decided them (with where each came from). */
  endpoints?: EndpointChoices;
  /** Shorthand for tests: one override for IAM and STS alike. Ignored when `endpoints` is given. */
  endpointUrl?: string;
  profile?: string;
  /** Signs every call instead of the default chain (an assumed role's credentials, in an organization run). */
  credentials?: CredentialsProvider;
  /** IAM is global; the region picks the partition and signing region. */
  region: string;
  /** Upper bound of calls in flight; sizes the HTTP connection pool. */
  concurrency: number;
  /** `--verbose`: the SDK's own log lines, passed through `redact` first. */
  sdkLog?: (line: string) => void;
  /** Product and version appended to every call's user agent (`iampass/0.1.0`): CloudTrail records it. */
  userAgent?: [string, string];
  /** Deadlines and reply limits other than the defaults (tests use short ones). */
  transport?: Pick<TransportOptions, 'deadlines' | 'operationDeadlines' | 'replyLimits'>;
}

/** How long an `EntityTemporarilyUnmodifiable` is retried: IAM's eventual consistency (Terraform uses 2 min). */
export const UNMODIFIABLE_RETRY_WINDOW_MS = 120_000;

/** An IAM account holds at most 5,000 users; a listing ten times longer is a loop, not an account. */
export const MAX_LISTED_USERS = 50_000;

/**
 * The SDK's logger, when asked for: every line goes through `redact` with every password this run has sent, as a
 * second guard behind the SDK's own sensitive-field filters.
 */
function redactingLogger(write: (line: string) => void, secrets: ReadonlySet<string>) {
  const log = (level: string) => (...args: unknown[]) => {
    const text = args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
    const line = printable(redactUrls(redact(text, [...secrets])));
    write(`sdk ${level} ${line.length > 500 ? `${line.slice(0, 500)}… (${line.length} characters)` : line}`);
  };
  return { trace: () => {}, debug: () => {}, info: log('info'), warn: log('warn'), error: log('error') };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The two clients of a run, over one transport, and how each endpoint is named in messages. */
interface Clients {
  iam: InstanceType<typeof IAMClient>;
  /** IAM's per-user reads, sent without the SDK's middleware once a call has shown how (see direct-query.ts). */
  direct: DirectQuery;
  sts: InstanceType<typeof STSClient>;
  /** `http://127.0.0.1:4566 (from AWS_ENDPOINT_URL)`; absent for AWS's own endpoint. */
  iamWhere: string | undefined;
  stsWhere: string | undefined;
  /** Every password this run has sent, for the logger's redaction. */
  sent: Set<string>;
}

function createClients(options: ConnectionOptions): Clients {
  const shorthand: EndpointChoice | undefined = options.endpointUrl ? { url: options.endpointUrl } : undefined;
  const iamEndpoint = options.endpoints ? options.endpoints.iam : shorthand;
  const stsEndpoint = options.endpoints ? options.endpoints.sts : shorthand;
  const sources: Record<string, string> = {};
  for (const e of [stsEndpoint, iamEndpoint]) if (e?.source) sources[originOf(e.url)] = e.source;
  const transport = createTransport({ maxSockets: Math.max(1, options.concurrency), sources, ...options.transport });
  const sent = new Set<string>();
  const common = {
    region: options.region,
    transport,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.sdkLog ? { logger: redactingLogger(options.sdkLog, sent) } : {}),
  };
  const where = (e: EndpointChoice | undefined) => (e ? describeDestination({ origin: originOf(e.url), ...(e.source ? { source: e.source } : {}) }) : undefined);
  const iam = tuneClient(new IAMClient(clientConfig({ ...common, ...(iamEndpoint ? { endpoint: iamEndpoint.url } : {}) })), { fastReplies: true });
  return {
    iam,
    direct: directQuery(iam, { enabled: options.sdkLog === undefined }),
    sts: tuneClient(new STSClient(clientConfig({ ...common, ...(stsEndpoint ? { endpoint: stsEndpoint.url } : {}) }))),
    iamWhere: where(iamEndpoint),
    stsWhere: where(stsEndpoint),
    sent,
  };
}

/** A reply that parsed but lacks what the call must return: an error naming the call, never an empty result. */
function invalid(service: string, operation: string, what: string): IamError {
  return new IamError('InvalidResponse', `${service} answered ${operation} without ${what}`, 200, undefined, 1,
    'check that the endpoint is an AWS endpoint (--endpoint-url, AWS_ENDPOINT_URL)');
}

/** Runs one paginated listing through `paginate`, turning its refusals into `IamError`s. */
async function eachPage<P>(options: PaginateOptions<P>, onPage: (page: P) => void): Promise<void> {
  try {
    for await (const page of paginate(options)) onPage(page);
  } catch (error) {
    throw error instanceof PaginationError ? toIamError(error, { operation: options.operation }) : error;
  }
}

export function createAwsGateway(options: ConnectionOptions, caller: Caller): IamGateway & { destroy(): void } {
  const clients = createClients(options);
  return {
    ...readCalls(clients, caller),
    ...writeCalls(clients, caller),
    ...factCalls(clients, caller),
    ...bookkeepingCalls(clients, caller),
    // Closes the transport's sockets: an organization run connects to hundreds of accounts, one after another.
    destroy() {
      clients.iam.destroy();
      clients.sts.destroy();
    },
  };
}

type ReadCalls = Pick<IamGateway, 'callerIdentity' | 'listUsers' | 'getUser' | 'listUserTags' | 'getLoginProfile' | 'getPasswordPolicy'>;

function readCalls({ iam, direct, sts, iamWhere, stsWhere }: Clients, caller: Caller): ReadCalls {
  const at = { ...(iamWhere ? { where: iamWhere } : {}) };
  return {
    async callerIdentity() {
      const out = await caller.run('GetCallerIdentity', (a) => sts.send(withCallDeadline(new GetCallerIdentityCommand({}), a.deadlineAt)), {
        ...(stsWhere ? { where: stsWhere } : {}),
      });
      if (!out.Account || !out.Arn) throw invalid('STS', 'GetCallerIdentity', 'an account and ARN');
      return { account: out.Account, arn: out.Arn };
    },

    async listUsers() {
      const users: ListedUser[] = [];
      await eachPage(
        {
          operation: 'ListUsers',
          fetch: (marker) =>
            caller.run('ListUsers', (a) => iam.send(withCallDeadline(new ListUsersCommand({ MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), a.deadlineAt)), at),
          next: iamNext('ListUsers'),
          count: (page) => page.Users?.length ?? 0,
          maxItems: { limit: MAX_LISTED_USERS, noun: 'users', why: 'an IAM account holds at most 5,000' },
        },
        (page) => {
          for (const u of page.Users ?? []) {
            if (!u.UserName || !u.Arn) throw invalid('IAM', 'ListUsers', 'the name and ARN of every user');
            users.push({ name: u.UserName, arn: u.Arn, path: u.Path ?? '/', passwordLastUsed: u.PasswordLastUsed ? u.PasswordLastUsed.toISOString() : null });
          }
        },
      );
      return users;
    },

    async getUser(user) {
      try {
        const out = await caller.run('GetUser', (a) => iam.send(withCallDeadline(new GetUserCommand({ UserName: user }), a.deadlineAt)), { user, ...at });
        const u = out.User;
        if (!u?.UserName || !u.Arn) throw invalid('IAM', 'GetUser', `the name and ARN of user ${user}`);
        return { name: u.UserName, arn: u.Arn, path: u.Path ?? '/', passwordLastUsed: u.PasswordLastUsed ? u.PasswordLastUsed.toISOString() : null };
      } catch (error) {
        if (error instanceof IamError && error.code === 'NoSuchEntity') return null;
        throw error;
      }
    },

    async listUserTags(user) {
      const tags: Record<string, string> = {};
      await eachPage(
        {
          operation: 'ListUserTags',
          fetch: (marker) =>
            caller.run(
              'ListUserTags',
              (a) =>
                direct.send('ListUserTags', { UserName: user, Marker: marker }, a.deadlineAt, () =>
                  iam.send(withCallDeadline(new ListUserTagsCommand({ UserName: user, ...(marker ? { Marker: marker } : {}) }), a.deadlineAt)),
                ),
              { user, ...at },
            ),
          next: iamNext('ListUserTags'),
          // IAM allows 50 tags a user.
          count: (page) => page.Tags?.length ?? 0,
          maxItems: { limit: 500, noun: 'tags', why: 'IAM allows 50 a user' },
        },
        (page) => {
          for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
        },
      );
      return tags;
    },

    async getLoginProfile(user) {
      try {
        const out = await caller.run(
          'GetLoginProfile',
          (a) => direct.send('GetLoginProfile', { UserName: user }, a.deadlineAt, () => iam.send(withCallDeadline(new GetLoginProfileCommand({ UserName: user }), a.deadlineAt))),
          { user, ...at },
        );
        if (!out.LoginProfile?.CreateDate) throw invalid('IAM', 'GetLoginProfile', `a LoginProfile for user ${user}`);
        return { createDate: out.LoginProfile.CreateDate.toISOString(), passwordResetRequired: out.LoginProfile.PasswordResetRequired ?? false } satisfies LoginProfile;
      } catch (error) {
        if (error instanceof IamError && error.code === 'NoSuchEntity') return null;
        throw error;
      }
    },

    async getPasswordPolicy() {
      try {
        const out = await caller.run('GetAccountPasswordPolicy', (a) => iam.send(withCallDeadline(new GetAccountPasswordPolicyCommand({}), a.deadlineAt)), at);
        if (!out.PasswordPolicy) throw invalid('IAM', 'GetAccountPasswordPolicy', 'a PasswordPolicy');
        return fromSdkPolicy(out.PasswordPolicy);
      } catch (error) {
        if (error instanceof IamError && error.code === 'NoSuchEntity') return null;
        throw error;
      }
    },
  };
}

type WriteCalls = Pick<IamGateway, 'updatePasswordPolicy' | 'deletePasswordPolicy' | 'createLoginProfile' | 'updateLoginProfile' | 'tagUser' | 'deleteLoginProfile'>;

function writeCalls({ iam, iamWhere, sent }: Clients, caller: Caller): WriteCalls {
  const at = { ...(iamWhere ? { where: iamWhere } : {}) };
  const eventually = { retryCodes: ['EntityTemporarilyUnmodifiable'], retryWindowMs: UNMODIFIABLE_RETRY_WINDOW_MS };
  return {
    async updatePasswordPolicy(policy) {
      await caller.run('UpdateAccountPasswordPolicy', (a) => iam.send(withCallDeadline(new UpdateAccountPasswordPolicyCommand(toSdkPolicy(policy)), a.deadlineAt)), at);
    },

    async deletePasswordPolicy() {
      await caller.run('DeleteAccountPasswordPolicy', (a) => iam.send(withCallDeadline(new DeleteAccountPasswordPolicyCommand({}), a.deadlineAt)), at);
    },

    async createLoginProfile(user, password, passwordResetRequired) {
      sent.add(password);
      const input = { UserName: user, Password: password, PasswordResetRequired: passwordResetRequired };
      await caller.run('CreateLoginProfile', (a) => iam.send(withCallDeadline(new CreateLoginProfileCommand(input), a.deadlineAt)), { user, secrets: [password], ...at });
    },

    async updateLoginProfile(user, change) {
      if (change.password !== undefined) sent.add(change.password);
      const input = {
        UserName: user,
        ...(change.password !== undefined ? { Password: change.password } : {}),
        ...(change.passwordResetRequired !== undefined ? { PasswordResetRequired: change.passwordResetRequired } : {}),
      };
      await caller.run('UpdateLoginProfile', (a) => iam.send(withCallDeadline(new UpdateLoginProfileCommand(input), a.deadlineAt)), {
        user,
        secrets: change.password !== undefined ? [change.password] : [],
        ...eventually,
        ...at,
      });
    },

    async tagUser(user, key, value) {
      await caller.run('TagUser', (a) => iam.send(withCallDeadline(new TagUserCommand({ UserName: user, Tags: [{ Key: key, Value: value }] }), a.deadlineAt)), { user, ...at });
    },

    async deleteLoginProfile(user) {
      await caller.run('DeleteLoginProfile', (a) => iam.send(withCallDeadline(new DeleteLoginProfileCommand({ UserName: user }), a.deadlineAt)), { user, ...eventually, ...at });
    },
  };
}

type FactCalls = Pick<
  IamGateway,
  'generateCredentialReport' | 'getCredentialReport' | 'simulatePrincipalPolicy' | 'listAccessKeys' | 'authorizationDetails' | 'policyDocument'
>;

function factCalls({ iam, iamWhere }: Clients, caller: Caller): FactCalls {
  const at = { ...(iamWhere ? { where: iamWhere } : {}) };
  return {
    async generateCredentialReport() {
      const out = await caller.run('GenerateCredentialReport', (a) => iam.send(withCallDeadline(new GenerateCredentialReportCommand({}), a.deadlineAt)), at);
      const state = out.State;
      if (state !== 'STARTED' && state !== 'INPROGRESS' && state !== 'COMPLETE') throw invalid('IAM', 'GenerateCredentialReport', 'a known State');
      return state satisfies ReportState;
    },

    async getCredentialReport() {
      const out = await caller.run('GetCredentialReport', (a) => iam.send(withCallDeadline(new GetCredentialReportCommand({}), a.deadlineAt)), at);
      if (!out.Content || out.Content.length === 0 || !out.GeneratedTime) throw invalid('IAM', 'GetCredentialReport', 'report content');
      return { csv: Buffer.from(out.Content.buffer, out.Content.byteOffset, out.Content.byteLength).toString('utf8'), generatedTime: out.GeneratedTime.toISOString() };
    },

    async simulatePrincipalPolicy(principalArn, action, resourceArn) {
      const input = { PolicySourceArn: principalArn, ActionNames: [action], ResourceArns: [resourceArn] };
      const out = await caller.run('SimulatePrincipalPolicy', (a) => iam.send(withCallDeadline(new SimulatePrincipalPolicyCommand(input), a.deadlineAt)), {
        user: principalArn.slice(principalArn.lastIndexOf('/') + 1),
        ...at,
      });
      const results = out.EvaluationResults ?? [];
      if (results.length === 0) throw invalid('IAM', 'SimulatePrincipalPolicy', 'a result');
      // One action on one resource: a single result; anything but `allowed` is a deny (implicit or explicit).
      return results.every((r) => r.EvalDecision === 'allowed') ? 'allowed' : 'denied';
    },

    async listAccessKeys(user) {
      const keys: AccessKeySummary[] = [];
      await eachPage(
        {
          operation: 'ListAccessKeys',
          fetch: (marker) =>
            caller.run('ListAccessKeys', (a) => iam.send(withCallDeadline(new ListAccessKeysCommand({ UserName: user, ...(marker ? { Marker: marker } : {}) }), a.deadlineAt)), { user, ...at }),
          next: iamNext('ListAccessKeys'),
          count: (page) => page.AccessKeyMetadata?.length ?? 0,
          maxItems: { limit: 100, noun: 'access keys', why: 'IAM allows 2 a user' },
        },
        (page) => {
          for (const k of page.AccessKeyMetadata ?? []) keys.push({ id: k.AccessKeyId ?? '', status: k.Status === 'Active' ? 'Active' : 'Inactive' });
        },
      );
      return keys;
    },

    async authorizationDetails(maxPages) {
      const details = { users: new Map(), groups: new Map(), policies: new Map() } satisfies AuthorizationDetails;
      let pages = 0;
      let complete = false;
      await eachPage(
        {
          operation: 'GetAccountAuthorizationDetails',
          fetch: (marker) => {
            pages += 1;
            const input = { Filter: ['User', 'Group', 'LocalManagedPolicy'] as EntityType[], MaxItems: 1000, ...(marker ? { Marker: marker } : {}) };
            return caller.run('GetAccountAuthorizationDetails', (a) => iam.send(withCallDeadline(new GetAccountAuthorizationDetailsCommand(input), a.deadlineAt)), at);
          },
          // Stops asking once the budget is spent; `complete` tells a finished listing from a cut-off one.
          next: (page) => {
            const token = iamNext('GetAccountAuthorizationDetails')(page);
            if (token === undefined) complete = true;
            return pages >= maxPages ? undefined : token;
          },
          count: (page) => (page.UserDetailList?.length ?? 0) + (page.GroupDetailList?.length ?? 0) + (page.Policies?.length ?? 0),
          maxItems: { limit: 200_000, noun: 'users, groups and policies', why: 'an IAM account holds at most 5,000 users, 300 groups and 5,000 customer-managed policies' },
        },
        (page) => addAuthorizationPage(details, page),
      );
      return complete ? details : null;
    },

    async policyDocument(arn) {
      const policy = await caller.run('GetPolicy', (a) => iam.send(withCallDeadline(new GetPolicyCommand({ PolicyArn: arn }), a.deadlineAt)), at);
      const versionId = policy.Policy?.DefaultVersionId;
      if (!versionId) throw invalid('IAM', 'GetPolicy', `a DefaultVersionId for ${arn}`);
      const out = await caller.run('GetPolicyVersion', (a) => iam.send(withCallDeadline(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }), a.deadlineAt)), at);
      if (out.PolicyVersion?.Document === undefined) throw invalid('IAM', 'GetPolicyVersion', `the document of ${arn}`);
      return decodeDocument(out.PolicyVersion.Document);
    },
  };
}

/** Folds one page of GetAccountAuthorizationDetails into `details`, in iampass's shapes (lists sorted, documents decoded). */
function addAuthorizationPage(
  details: { users: Map<string, UserPermissions>; groups: Map<string, GroupPermissions>; policies: Map<string, string> },
  page: GetAccountAuthorizationDetailsCommandOutput,
): void {
  const attached = (list: Array<{ PolicyArn?: string | undefined }> | undefined) =>
    [...new Set((list ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])))].sort(byCodePoint);
  const inline = (list: Array<{ PolicyName?: string | undefined; PolicyDocument?: string | undefined }> | undefined): InlinePolicy[] =>
    (list ?? []).map((p) => ({ name: p.PolicyName ?? '', document: decodeDocument(p.PolicyDocument ?? '') })).sort((a, b) => byCodePoint(a.name, b.name));
  for (const u of page.UserDetailList ?? []) {
    if (!u.UserName || !u.Arn) throw invalid('IAM', 'GetAccountAuthorizationDetails', 'the name and ARN of every user');
    details.users.set(u.UserName, {
      name: u.UserName,
      arn: u.Arn,
      path: u.Path ?? '/',
      attached: attached(u.AttachedManagedPolicies),
      inline: inline(u.UserPolicyList),
      groups: [...new Set(u.GroupList ?? [])].sort(byCodePoint),
      boundary: u.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
    });
  }
  for (const g of page.GroupDetailList ?? []) {
    if (!g.GroupName) throw invalid('IAM', 'GetAccountAuthorizationDetails', 'the name of every group');
    details.groups.set(g.GroupName, { name: g.GroupName, attached: attached(g.AttachedManagedPolicies), inline: inline(g.GroupPolicyList) });
  }
  for (const p of page.Policies ?? []) {
    const version = p.PolicyVersionList?.find((v) => v.IsDefaultVersion) ?? p.PolicyVersionList?.find((v) => v.VersionId === p.DefaultVersionId);
    if (p.Arn && version?.Document !== undefined) details.policies.set(p.Arn, decodeDocument(version.Document));
  }
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986). Text that does not decode is kept as it is: it then fails
 * to parse as JSON, and whoever reads it treats the policy as unknown.
 */
function decodeDocument(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

type BookkeepingCalls = Pick<
  IamGateway,
  'getGroupMembers' | 'createGroup' | 'addUserToGroup' | 'removeUserFromGroup' | 'createPolicy' | 'getPolicyTags' | 'tagPolicy' | 'deletePolicy'
>;

/** iampass's own objects: the journal of unconfirmed passwords (a group) and the apply lock (a policy). */
function bookkeepingCalls({ iam, iamWhere }: Clients, caller: Caller): BookkeepingCalls {
  const at = { ...(iamWhere ? { where: iamWhere } : {}) };
  const orNull = async <T>(fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof IamError && error.code === 'NoSuchEntity') return null;
      throw error;
    }
  };
  return {
    getGroupMembers(group) {
      return orNull(async () => {
        const members: string[] = [];
        await eachPage(
          {
            operation: 'GetGroup',
            fetch: (marker) =>
              caller.run('GetGroup', (a) => iam.send(withCallDeadline(new GetGroupCommand({ GroupName: group, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), a.deadlineAt)), at),
            next: iamNext('GetGroup'),
            count: (page) => page.Users?.length ?? 0,
            maxItems: { limit: MAX_LISTED_USERS, noun: 'members', why: 'an IAM account holds at most 5,000 users' },
          },
          (page) => {
            for (const u of page.Users ?? []) if (u.UserName) members.push(u.UserName);
          },
        );
        return members;
      });
    },

    async createGroup(path, group) {
      await caller.run('CreateGroup', (a) => iam.send(withCallDeadline(new CreateGroupCommand({ Path: path, GroupName: group }), a.deadlineAt)), at);
    },

    async addUserToGroup(group, user) {
      await caller.run('AddUserToGroup', (a) => iam.send(withCallDeadline(new AddUserToGroupCommand({ GroupName: group, UserName: user }), a.deadlineAt)), { user, ...at });
    },

    async removeUserFromGroup(group, user) {
      await caller.run('RemoveUserFromGroup', (a) => iam.send(withCallDeadline(new RemoveUserFromGroupCommand({ GroupName: group, UserName: user }), a.deadlineAt)), {
        user,
        ...at,
      });
    },

    async createPolicy(policy) {
      const input = {
        Path: policy.path,
        PolicyName: policy.name,
        PolicyDocument: policy.document,
        Description: policy.description,
        Tags: Object.entries(policy.tags).map(([Key, Value]) => ({ Key, Value })),
      };
      const out = await caller.run('CreatePolicy', (a) => iam.send(withCallDeadline(new CreatePolicyCommand(input), a.deadlineAt)), at);
      if (!out.Policy?.Arn) throw invalid('IAM', 'CreatePolicy', 'the new policy\'s ARN');
      return out.Policy.Arn;
    },

    getPolicyTags(arn) {
      return orNull(async () => {
        const tags: Record<string, string> = {};
        await eachPage(
          {
            operation: 'ListPolicyTags',
            fetch: (marker) =>
              caller.run('ListPolicyTags', (a) => iam.send(withCallDeadline(new ListPolicyTagsCommand({ PolicyArn: arn, ...(marker ? { Marker: marker } : {}) }), a.deadlineAt)), at),
            next: iamNext('ListPolicyTags'),
            count: (page) => page.Tags?.length ?? 0,
            maxItems: { limit: 500, noun: 'tags', why: 'IAM allows 50 a policy' },
          },
          (page) => {
            for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
          },
        );
        return tags;
      });
    },

    async tagPolicy(arn, tags) {
      const input = { PolicyArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
      await caller.run('TagPolicy', (a) => iam.send(withCallDeadline(new TagPolicyCommand(input), a.deadlineAt)), at);
    },

    async deletePolicy(arn) {
      await caller.run('DeletePolicy', (a) => iam.send(withCallDeadline(new DeletePolicyCommand({ PolicyArn: arn }), a.deadlineAt)), at);
    },
  };
}

export function fromSdkPolicy(p: SdkPasswordPolicy): PasswordPolicy {
  return {
    minimumLength: p.MinimumPasswordLength ?? 6,
    requireUppercase: p.RequireUppercaseCharacters ?? false,
    requireLowercase: p.RequireLowercaseCharacters ?? false,
    requireNumbers: p.RequireNumbers ?? false,
    requireSymbols: p.RequireSymbols ?? false,
    allowUsersToChangePassword: p.AllowUsersToChangePassword ?? false,
    maxAgeDays: p.MaxPasswordAge ? p.MaxPasswordAge : null,
    reusePrevention: p.PasswordReusePrevention ? p.PasswordReusePrevention : null,
    hardExpiry: p.HardExpiry ?? false,
  };
}

/** The whole policy, every field explicit: omitted fields would silently revert to IAM's weak defaults. */
export function toSdkPolicy(p: PasswordPolicy) {
  return {
    MinimumPasswordLength: p.minimumLength,
    RequireUppercaseCharacters: p.requireUppercase,
    RequireLowercaseCharacters: p.requireLowercase,
    RequireNumbers: p.requireNumbers,
    RequireSymbols: p.requireSymbols,
    AllowUsersToChangePassword: p.allowUsersToChangePassword,
    HardExpiry: p.hardExpiry,
    ...(p.maxAgeDays !== null ? { MaxPasswordAge: p.maxAgeDays } : {}),
    ...(p.reusePrevention !== null ? { PasswordReusePrevention: p.reusePrevention } : {}),
  };
}
