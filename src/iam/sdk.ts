/**
 * The parts of the AWS SDK iampass calls, named one by one: the only module that imports its runtime (types come
 * from `import type` anywhere). The executable is a bundle (scripts/bundle.mjs) built from the SDK's ES modules, and
 * naming each export is what lets the bundler leave out the rest of the SDK: of IAM's 160-odd commands, the 27
 * below. Loading the SDK that way costs about 40 ms of CPU against about 60 ms for its whole CommonJS build.
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
