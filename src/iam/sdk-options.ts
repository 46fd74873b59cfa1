/**
 * The client options the Organizations and STS adapters share with the IAM one: where to send calls, whose
 * credentials sign them, iampass's user agent, one SDK attempt per call (retries are iampass's own, see retry.ts),
 * and the HTTP handler. `requestHandler` is the seam the HTTP transport plugs into: a client built here takes
 * whatever handler it is given, and the same defaults as `aws.ts` otherwise.
 */

/** What the AWS SDK takes as `credentials`: a provider it calls (and re-calls when they are about to expire). */
export type CredentialsProvider = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

export interface SdkClientOptions {
  region: string;
  endpointUrl?: string;
  profile?: string;
  /** Signs every call; without it the SDK's default chain (environment, profile, SSO, instance role) does. */
  credentials?: CredentialsProvider;
  /** Product and version appended to every call's user agent (`iampass/0.1.0`): CloudTrail records it. */
  userAgent?: [string, string];
  /** An SDK request handler, or its options; default: keep-alive, 5 s to connect, 30 s per request. */
  requestHandler?: unknown;
}

export function sdkClientOptions(options: SdkClientOptions) {
  return {
    region: options.region,
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
    ...(options.userAgent ? { customUserAgent: [options.userAgent] } : {}),
    maxAttempts: 1,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK accepts a handler or its options; both pass through
    requestHandler: (options.requestHandler ?? { connectionTimeout: 5_000, requestTimeout: 30_000 }) as any,
  };
}
