/**
 * A connection to one AWS account: the IAM gateway with iampass's retry policy and adaptive limiter. The SDK is
 * loaded here, lazily, so offline commands (`validate`, `lint`, `--help`) never pay for it.
 */
import type { CloudTrailGateway } from '../iam/cloudtrail.js';
import type { EndpointChoices } from '../iam/endpoints.js';
import type { IamGateway } from '../iam/gateway.js';
import type { AttemptEvent, Caller } from '../iam/retry.js';
import type { CredentialsProvider } from '../iam/sdk-options.js';
import { USER_AGENT_NAME, VERSION } from '../util/version.js';

/** How to reach AWS, resolved once from flags and the environment by the CLI. */
export interface ConnectionSettings {
  region: string;
  /** The raw `--endpoint-url` (CloudTrail takes it as it is). */
  endpointUrl?: string;
  /** IAM's and STS's endpoints, checked and with where each came from (flag or variable), by the CLI. */
  endpoints?: EndpointChoices;
  profile?: string;
  /**
   * Signs every call instead of the SDK's default chain: an organization run reaches each account with a role it
   * assumed (iam/role-credentials.ts). Absent: the caller's own credentials (profile, environment, SSO, ...).
   */
  credentials?: CredentialsProvider;
  /** The most IAM calls in flight; fewer while IAM throttles. */
  concurrency: number;
  /**
   * How many calls in flight to start with (default `concurrency`): IAM's limits are the same in every account unless
   * raised, so an organization run starts each account at the window the last one ended with, and adapts from there.
   */
  startWindow?: number;
  /** Attempts per call, retries included (the standard `AWS_MAX_ATTEMPTS`); default iampass's own. */
  maxAttempts?: number;
  /** `--verbose`: one line per call attempt and the SDK's own log, both redacted. */
  trace?: (line: string) => void;
}

/** One account's gateway and the counters behind the progress line. One per command run and account. */
export interface Session {
  gateway: IamGateway;
  caller: Caller;
  concurrency: number;
  /** Attempts by AWS operation (`GetLoginProfile: 8`), retries and pages included: what a report says it cost. */
  callsByOperation: Record<string, number>;
  /** CloudTrail in the same account, connected on first use (most runs never need it). */
  trail(): Promise<TrailConnection>;
  /** Closes the session's connections; an organization run opens one session per account. Idempotent. */
  close(): void;
  /** The calls in flight IAM allows now, as the adaptive window has learned it. */
  window(): number;
}

/** CloudTrail for one account: its gateway, paced to LookupEvents' limit, and its own call counter. */
export interface TrailConnection {
  gateway: CloudTrailGateway;
  caller: Caller;
}

export async function connect(settings: ConnectionSettings): Promise<Session> {
  const [{ createAwsGateway }, { Caller, DEFAULT_RETRY_POLICY }, { AdaptiveLimiter }] = await Promise.all([
    import('../iam/aws.js'),
    import('../iam/retry.js'),
    import('../iam/limiter.js'),
  ]);
  const { trace } = settings;
  const callsByOperation: Record<string, number> = {};
  const limiter = new AdaptiveLimiter(settings.concurrency, Date.now, settings.startWindow);
  const caller = new Caller({
    limiter,
    ...(settings.maxAttempts !== undefined ? { policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: settings.maxAttempts } } : {}),
    onAttempt: (e: AttemptEvent) => {
      callsByOperation[e.operation] = (callsByOperation[e.operation] ?? 0) + 1;
      trace?.(`trace ${e.operation}${e.user ? ` user=${e.user}` : ''} attempt=${e.attempt} ${e.outcome} ${e.ms}ms`);
    },
  });
  const gateway = createAwsGateway(
    {
      region: settings.region,
      concurrency: settings.concurrency,
      userAgent: [USER_AGENT_NAME, VERSION],
      ...(trace ? { sdkLog: trace } : {}),
      ...(settings.endpoints ? { endpoints: settings.endpoints } : settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
    },
    caller,
  );
  let trail: Promise<TrailConnection & { destroy(): void }> | undefined;
  return {
    gateway,
    caller,
    concurrency: settings.concurrency,
    callsByOperation,
    trail: () => (trail ??= connectTrail(settings)),
    window: () => limiter.limit,
    close() {
      gateway.destroy();
      void trail?.then((t) => t.destroy(), () => {});
    },
  };
}

async function connectTrail(settings: ConnectionSettings): Promise<TrailConnection & { destroy(): void }> {
  const [{ createCloudTrailGateway }, { iamEventsRegion, LOOKUP_EVENTS_PER_SECOND }, { Caller }, { TokenBucket }] = await Promise.all([
    import('../iam/cloudtrail-aws.js'),
    import('../iam/cloudtrail.js'),
    import('../iam/retry.js'),
    import('../iam/token-bucket.js'),
  ]);
  const { trace } = settings;
  const caller = new Caller(
    trace ? { onAttempt: (e: AttemptEvent) => trace(`trace ${e.operation} attempt=${e.attempt} ${e.outcome} ${e.ms}ms`) } : {},
  );
  const gateway = createCloudTrailGateway(
    {
      region: iamEventsRegion(settings.region),
      userAgent: [USER_AGENT_NAME, VERSION],
      ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
    },
    caller,
    new TokenBucket(LOOKUP_EVENTS_PER_SECOND, LOOKUP_EVENTS_PER_SECOND),
  );
  return { gateway, caller, destroy: () => gateway.destroy() };
}
