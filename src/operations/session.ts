/**
 * A connection to one AWS account: the IAM gateway with iampass's retry policy and adaptive limiter. The SDK is
 * loaded here, lazily, so offline commands (`validate`, `lint`, `--help`) never pay for it.
 */
import type { IamGateway } from '../iam/gateway.js';
import type { AttemptEvent, Caller } from '../iam/retry.js';

/** How to reach AWS, resolved once from flags and the environment by the CLI. */
export interface ConnectionSettings {
  region: string;
  endpointUrl?: string;
  profile?: string;
  /** The most IAM calls in flight; fewer while IAM throttles. */
  concurrency: number;
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
}

export async function connect(settings: ConnectionSettings): Promise<Session> {
  const [{ createAwsGateway }, { Caller, DEFAULT_RETRY_POLICY }, { AdaptiveLimiter }] = await Promise.all([
    import('../iam/aws.js'),
    import('../iam/retry.js'),
    import('../iam/limiter.js'),
  ]);
  const { trace } = settings;
  const caller = new Caller({
    limiter: new AdaptiveLimiter(settings.concurrency),
    ...(settings.maxAttempts !== undefined ? { policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: settings.maxAttempts } } : {}),
    ...(trace
      ? {
          onAttempt: (e: AttemptEvent) =>
            trace(`trace ${e.operation}${e.user ? ` user=${e.user}` : ''} attempt=${e.attempt} ${e.outcome} ${e.ms}ms`),
        }
      : {}),
  });
  const gateway = createAwsGateway(
    {
      region: settings.region,
      concurrency: settings.concurrency,
      ...(trace ? { sdkLog: trace } : {}),
      ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
      ...(settings.profile ? { profile: settings.profile } : {}),
    },
    caller,
  );
  return { gateway, caller, concurrency: settings.concurrency };
}
