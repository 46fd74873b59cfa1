/**
 * The parts of the IAM and STS clients and of @smithy/core that the IAM adapter calls, named one by one (types come
 * from `import type` anywhere; the organization's STS, Organizations and CloudTrail adapters, loaded on demand,
 * import their clients themselves). The executable is a bundle (scripts/bundle.mjs) built from the SDK's ES modules,
 * and naming each export is what lets the bundler leave out the rest: of IAM's 160-odd commands, the 27 below.
 * Loading the SDK that way costs about 40 ms of CPU against about 60 ms for its whole CommonJS build.
 */
export {
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
  TagPolicyCommand,
  TagUserCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
export { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
export { buildQueryString, HttpRequest, HttpResponse } from '@smithy/core/protocols';
export { _parseRfc3339DateTimeWithOffset, fromBase64 } from '@smithy/core/serde';
export { getSmithyContext, toEndpointV1 } from '@smithy/core/transport';
