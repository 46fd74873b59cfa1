/**
 * The IAM adapter: the only module that calls the AWS SDK. It is imported lazily (by `connect`) so that offline
 * commands such as `validate` never pay for loading the SDK.
 */
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  GetGroupCommand,
  ListPolicyTagsCommand,
  RemoveUserFromGroupCommand,
  TagPolicyCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UpdateAccountPasswordPolicyCommand,
  SimulatePrincipalPolicyCommand,
  UpdateLoginProfileCommand,
  type PasswordPolicy as SdkPasswordPolicy,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { LoginProfile } from '../model/live.js';
import type { PasswordPolicy } from '../model/policy.js';
import { IamError, redact } from './errors.js';
import type { AccessKeySummary, IamGateway, ListedUser, ReportState } from './gateway.js';
import type { Caller } from './retry.js';
import type { CredentialsProvider } from './sdk-options.js';

export interface ConnectionOptions {
  /** Overrides the IAM endpoint (and STS's, unless `stsEndpointUrl` is given). */
  endpointUrl?: string;
  stsEndpointUrl?: string;
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
}

/** How long an `EntityTemporarilyUnmodifiable` is retried: IAM's eventual consistency (Terraform uses 2 min). */
export const UNMODIFIABLE_RETRY_WINDOW_MS = 120_000;

/**
 * The SDK's logger, when asked for: every line goes through `redact` with every password this run has sent, as a
 * second guard behind the SDK's own sensitive-field filters.
 */
function redactingLogger(write: (line: string) => void, secrets: ReadonlySet<string>) {
  const log = (level: string) => (...args: unknown[]) => {
    const text = args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
    const line = redact(text, [...secrets]);
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

export function createAwsGateway(options: ConnectionOptions, caller: Caller): IamGateway & { destroy(): void } {
  const agent = { keepAlive: true, maxSockets: Math.max(1, options.concurrency) };
  const sent = new Set<string>();
  const common = {
    region: options.region,
    ...(options.sdkLog ? { logger: redactingLogger(options.sdkLog, sent) } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
    ...(options.userAgent ? { customUserAgent: [options.userAgent] } : {}),
    // Retries are iampass's own (see retry.ts): one SDK attempt per call.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, httpAgent: agent, httpsAgent: agent },
  };
  const iam = new IAMClient({ ...common, ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}) });
  const stsEndpoint = options.stsEndpointUrl ?? options.endpointUrl;
  const sts = new STSClient({ ...common, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) });

  const notFoundIsNull = async <T>(fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof IamError && error.code === 'NoSuchEntity') return null;
      throw error;
    }
  };

  return {
    async callerIdentity() {
      const out = await caller.run('GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
      if (!out.Account || !out.Arn) throw new IamError('InvalidResponse', 'STS returned no account', 200, undefined);
      return { account: out.Account, arn: out.Arn };
    },

    async listUsers() {
      const users: ListedUser[] = [];
      let marker: string | undefined;
      do {
        const page = await caller.run('ListUsers', () =>
          iam.send(new ListUsersCommand({ MaxItems: 1000, ...(marker ? { Marker: marker } : {}) })),
        );
        for (const u of page.Users ?? []) {
          if (!u.UserName) continue;
          users.push({
            name: u.UserName,
            arn: u.Arn ?? '',
            path: u.Path ?? '/',
            passwordLastUsed: u.PasswordLastUsed ? u.PasswordLastUsed.toISOString() : null,
          });
        }
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      return users;
    },

    async listUserTags(user) {
      const tags: Record<string, string> = {};
      let marker: string | undefined;
      do {
        const page = await caller.run(
          'ListUserTags',
          () => iam.send(new ListUserTagsCommand({ UserName: user, ...(marker ? { Marker: marker } : {}) })),
          { user },
        );
        for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      return tags;
    },

    getLoginProfile(user) {
      return notFoundIsNull(async (): Promise<LoginProfile> => {
        const out = await caller.run('GetLoginProfile', () => iam.send(new GetLoginProfileCommand({ UserName: user })), {
          user,
        });
        return {
          createDate: out.LoginProfile?.CreateDate?.toISOString() ?? '',
          passwordResetRequired: out.LoginProfile?.PasswordResetRequired ?? false,
        };
      });
    },

    getPasswordPolicy() {
      return notFoundIsNull(async () => {
        const out = await caller.run('GetAccountPasswordPolicy', () => iam.send(new GetAccountPasswordPolicyCommand({})));
        if (!out.PasswordPolicy) throw new IamError('InvalidResponse', 'IAM returned no policy', 200, undefined);
        return fromSdkPolicy(out.PasswordPolicy);
      });
    },

    async updatePasswordPolicy(policy) {
      await caller.run('UpdateAccountPasswordPolicy', () =>
        iam.send(new UpdateAccountPasswordPolicyCommand(toSdkPolicy(policy))),
      );
    },

    async deletePasswordPolicy() {
      await caller.run('DeleteAccountPasswordPolicy', () => iam.send(new DeleteAccountPasswordPolicyCommand({})));
    },

    async createLoginProfile(user, password, passwordResetRequired) {
      sent.add(password);
      await caller.run(
        'CreateLoginProfile',
        () => iam.send(new CreateLoginProfileCommand({ UserName: user, Password: password, PasswordResetRequired: passwordResetRequired })),
        { user, secrets: [password] },
      );
    },

    async updateLoginProfile(user, change) {
      if (change.password !== undefined) sent.add(change.password);
      await caller.run(
        'UpdateLoginProfile',
        () =>
          iam.send(
            new UpdateLoginProfileCommand({
              UserName: user,
              ...(change.password !== undefined ? { Password: change.password } : {}),
              ...(change.passwordResetRequired !== undefined ? { PasswordResetRequired: change.passwordResetRequired } : {}),
            }),
          ),
        {
          user,
          secrets: change.password !== undefined ? [change.password] : [],
          retryCodes: ['EntityTemporarilyUnmodifiable'],
          retryWindowMs: UNMODIFIABLE_RETRY_WINDOW_MS,
        },
      );
    },

    async tagUser(user, key, value) {
      await caller.run('TagUser', () => iam.send(new TagUserCommand({ UserName: user, Tags: [{ Key: key, Value: value }] })), {
        user,
      });
    },

    async deleteLoginProfile(user) {
      await caller.run('DeleteLoginProfile', () => iam.send(new DeleteLoginProfileCommand({ UserName: user })), {
        user,
        retryCodes: ['EntityTemporarilyUnmodifiable'],
        retryWindowMs: UNMODIFIABLE_RETRY_WINDOW_MS,
      });
    },

    async generateCredentialReport() {
      const out = await caller.run('GenerateCredentialReport', () => iam.send(new GenerateCredentialReportCommand({})));
      const state = out.State;
      if (state !== 'STARTED' && state !== 'INPROGRESS' && state !== 'COMPLETE') {
        throw new IamError('InvalidResponse', `GenerateCredentialReport answered an unknown state ${String(state)}`, 200, undefined);
      }
      return state satisfies ReportState;
    },

    async getCredentialReport() {
      const lifted: { content?: string } = {};
      const out = await caller.run('GetCredentialReport', () => iam.send(liftReportContent(new GetCredentialReportCommand({}), lifted)));
      const content = lifted.content !== undefined ? Buffer.from(lifted.content, 'base64') : out.Content;
      if (!content || content.length === 0 || !out.GeneratedTime) throw new IamError('InvalidResponse', 'IAM returned no report content', 200, undefined);
      return { csv: Buffer.from(content).toString('utf8'), generatedTime: out.GeneratedTime.toISOString() };
    },

    async simulatePrincipalPolicy(principalArn, action, resourceArn) {
      const out = await caller.run(
        'SimulatePrincipalPolicy',
        () => iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: principalArn, ActionNames: [action], ResourceArns: [resourceArn] })),
        { user: principalArn.slice(principalArn.lastIndexOf('/') + 1) },
      );
      const results = out.EvaluationResults ?? [];
      if (results.length === 0) throw new IamError('InvalidResponse', 'SimulatePrincipalPolicy returned no result', 200, undefined);
      // One action on one resource: a single result; anything but `allowed` is a deny (implicit or explicit).
      return results.every((r) => r.EvalDecision === 'allowed') ? 'allowed' : 'denied';
    },

    async listAccessKeys(user) {
      const keys: AccessKeySummary[] = [];
      let marker: string | undefined;
      do {
        const page = await caller.run(
          'ListAccessKeys',
          () => iam.send(new ListAccessKeysCommand({ UserName: user, ...(marker ? { Marker: marker } : {}) })),
          { user },
        );
        for (const k of page.AccessKeyMetadata ?? []) {
          keys.push({ id: k.AccessKeyId ?? '', status: k.Status === 'Active' ? 'Active' : 'Inactive' });
        }
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      return keys;
    },

    getGroupMembers(group) {
      return notFoundIsNull(async () => {
        const members: string[] = [];
        let marker: string | undefined;
        do {
          const page = await caller.run('GetGroup', () => iam.send(new GetGroupCommand({ GroupName: group, ...(marker ? { Marker: marker } : {}) })));
          for (const u of page.Users ?? []) if (u.UserName) members.push(u.UserName);
          marker = page.IsTruncated ? page.Marker : undefined;
        } while (marker);
        return members;
      });
    },

    async createGroup(path, group) {
      await caller.run('CreateGroup', () => iam.send(new CreateGroupCommand({ Path: path, GroupName: group })));
    },

    async addUserToGroup(group, user) {
      await caller.run('AddUserToGroup', () => iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user })), { user });
    },

    async removeUserFromGroup(group, user) {
      await caller.run('RemoveUserFromGroup', () => iam.send(new RemoveUserFromGroupCommand({ GroupName: group, UserName: user })), { user });
    },

    async createPolicy(policy) {
      const out = await caller.run('CreatePolicy', () =>
        iam.send(
          new CreatePolicyCommand({
            Path: policy.path,
            PolicyName: policy.name,
            PolicyDocument: policy.document,
            Description: policy.description,
            Tags: Object.entries(policy.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      );
      if (!out.Policy?.Arn) throw new IamError('InvalidResponse', 'CreatePolicy returned no policy ARN', 200, undefined);
      return out.Policy.Arn;
    },

    getPolicyTags(arn) {
      return notFoundIsNull(async () => {
        const tags: Record<string, string> = {};
        let marker: string | undefined;
        do {
          const page = await caller.run('ListPolicyTags', () => iam.send(new ListPolicyTagsCommand({ PolicyArn: arn, ...(marker ? { Marker: marker } : {}) })));
          for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
          marker = page.IsTruncated ? page.Marker : undefined;
        } while (marker);
        return tags;
      });
    },

    async tagPolicy(arn, tags) {
      await caller.run('TagPolicy', () => iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })));
    },

    async deletePolicy(arn) {
      await caller.run('DeletePolicy', () => iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    },

    /** Closes the clients' sockets: an organization run connects to hundreds of accounts, one after another. */
    destroy() {
      iam.destroy();
      sts.destroy();
    },
  };
}

/**
 * The SDK's XML parser builds a text node one character at a time: for the credential report of 5,000 users (a
 * megabyte of base64 in `<Content>`) that is tens of megabytes of short-lived strings, enough to raise the
 * plan's peak memory by a sixth. This step, inside the SDK's deserializer, takes the `<Content>` text out of the
 * raw answer (into `lifted`) and lets the SDK parse the rest as usual: status, errors and `GeneratedTime` alike.
 */
function liftReportContent(command: GetCredentialReportCommand, lifted: { content?: string }): GetCredentialReportCommand {
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      if (response.statusCode !== 200 || response.body === undefined || response.body === null) return result;
      const raw = await readBody(response.body);
      const open = raw.indexOf('<Content>');
      const close = open === -1 ? -1 : raw.indexOf('</Content>', open);
      if (close === -1) {
        response.body = Buffer.from(raw, 'utf8');
        return result;
      }
      lifted.content = raw.slice(open + '<Content>'.length, close);
      response.body = Buffer.from(raw.slice(0, open) + raw.slice(close + '</Content>'.length), 'utf8');
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'iampassLiftReportContent' },
  );
  return command;
}

async function readBody(body: unknown): Promise<string> {
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
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
