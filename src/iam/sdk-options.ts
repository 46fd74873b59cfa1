/**
 * The client options the Organizations and STS adapters of an organization run share with the IAM one: where to
 * send calls, whose credentials sign them, iampass's user agent, and the run's HTTP transport (deadlines, bounded
 * replies; see http/transport.ts) through `clientConfig`, one SDK attempt per call (retries are iampass's own).
 */
import { createTransport, type Transport } from './http/transport.js';
import { clientConfig } from './sdk-client.js';

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
  /** The transport to share; default: one of its own, a few connections wide. */
  transport?: Transport;
}

export function sdkClientOptions(options: SdkClientOptions) {
  return clientConfig({
    region: options.region,
    transport: options.transport ?? createTransport({ maxSockets: 4 }),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
}
