/**
 * The CloudTrail adapter: LookupEvents through the SDK, paced by a token bucket to CloudTrail's 2 requests per
 * second, retried by iampass's own `Caller` (ThrottlingException included). Loaded lazily, only when there is
 * drift to attribute.
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailGateway, RawTrailEvent } from './cloudtrail.js';
import type { Caller } from './retry.js';
import type { CredentialsProvider } from './sdk-options.js';
import type { TokenBucket } from './token-bucket.js';

export interface CloudTrailOptions {
  /** Where IAM's events are: `iamEventsRegion` of the run's region. */
  region: string;
  endpointUrl?: string;
  profile?: string;
  credentials?: CredentialsProvider;
  userAgent?: [string, string];
}

export function createCloudTrailGateway(options: CloudTrailOptions, caller: Caller, bucket: TokenBucket): CloudTrailGateway & { destroy(): void } {
  const client = new CloudTrailClient({
    region: options.region,
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
    ...(options.userAgent ? { customUserAgent: [options.userAgent] } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
  return {
    async lookupEvents(request) {
      const out = await caller.run('LookupEvents', async () => {
        await bucket.take();
        return client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: request.attribute.key, AttributeValue: request.attribute.value }],
            StartTime: new Date(request.startTime),
            EndTime: new Date(request.endTime),
            MaxResults: request.maxResults,
            ...(request.nextToken ? { NextToken: request.nextToken } : {}),
          }),
        );
      });
      const events: RawTrailEvent[] = (out.Events ?? []).map((e) => ({
        eventId: e.EventId ?? '',
        eventName: e.EventName ?? '',
        eventTime: e.EventTime ? e.EventTime.toISOString() : '',
        username: e.Username ?? null,
        cloudTrailEvent: e.CloudTrailEvent ?? null,
      }));
      return { events, nextToken: out.NextToken ? out.NextToken : null };
    },
    destroy: () => client.destroy(),
  };
}
