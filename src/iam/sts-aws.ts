/**
 * The STS adapter for organization runs: who the caller is, and AssumeRole into each target account, through the
 * SDK (Query protocol), retried by iampass's own `Caller`. Loaded lazily, only for an organization file.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IamError } from './errors.js';
import type { StsGateway } from './organizations.js';
import type { Caller } from './retry.js';
import { sdkClientOptions, type SdkClientOptions } from './sdk-options.js';

export function createStsGateway(options: SdkClientOptions, caller: Caller): StsGateway & { destroy(): void } {
  const client = new STSClient(sdkClientOptions(options));
  return {
    async callerIdentity() {
      const out = await caller.run('GetCallerIdentity', () => client.send(new GetCallerIdentityCommand({})));
      if (!out.Account || !out.Arn) throw new IamError('InvalidResponse', 'STS answered GetCallerIdentity without an account', 200, undefined);
      return { account: out.Account, arn: out.Arn };
    },

    async assumeRole(request) {
      const out = await caller.run('AssumeRole', () =>
        client.send(
          new AssumeRoleCommand({
            RoleArn: request.roleArn,
            RoleSessionName: request.sessionName,
            DurationSeconds: request.durationSeconds,
            ...(request.externalId !== null ? { ExternalId: request.externalId } : {}),
          }),
        ),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new IamError('InvalidResponse', 'STS answered AssumeRole without complete credentials', 200, undefined);
      }
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    },

    destroy: () => client.destroy(),
  };
}
