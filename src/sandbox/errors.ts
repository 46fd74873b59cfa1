/**
 * The error codes the sandbox answers, with the HTTP status real IAM/STS uses for each.
 * The SDK maps a modeled code to its exception class (e.g. `NoSuchEntity` -> `NoSuchEntityException`)
 * through the code in the error XML, so the code spelling and the status must match AWS exactly.
 */
const STATUS = {
  AccessDenied: 403,
  DeleteConflict: 409,
  EntityAlreadyExists: 409,
  ExpiredToken: 400,
  InvalidAction: 400,
  InvalidClientTokenId: 403,
  InvalidInput: 400,
  LimitExceeded: 409,
  MissingAction: 400,
  NoSuchEntity: 404,
  PasswordPolicyViolation: 400,
  ReportExpired: 410,
  ReportInProgress: 404,
  ReportNotPresent: 410,
  ServiceFailure: 500,
  Throttling: 400,
  ValidationError: 400,
} as const;

export type ErrorCode = keyof typeof STATUS;

/** An error answered to the client as an AWS `<ErrorResponse>`; anything else thrown becomes `ServiceFailure`. */
export class IamError extends Error {
  readonly status: number;
  /** `Receiver` for faults on AWS's side (the SDK treats them as retryable), `Sender` for the caller's. */
  readonly type: 'Sender' | 'Receiver';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
    this.status = STATUS[code];
    this.type = this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** AWS's wording for an unexpected server-side error. */
export const SERVICE_FAILURE_MESSAGE = 'Request processing has failed due to some unknown error, exception or failure.';

export function noSuchUser(name: string): IamError {
  return new IamError('NoSuchEntity', `The user with name ${name} cannot be found.`);
}

export function noSuchLoginProfile(name: string): IamError {
  return new IamError('NoSuchEntity', `Login Profile for User ${name} cannot be found.`);
}

/**
 * A request whose credentials the sandbox will not honour: `invalid` (an inactive, deleted or made-up temporary
 * key, a session token it never issued) or `expired` (a session past its expiration). Each protocol words it
 * its own way (`InvalidClientTokenId` / `ExpiredToken` in XML, `UnrecognizedClientException` /
 * `ExpiredTokenException` in JSON).
 */
export class CredentialsRefused extends Error {
  constructor(readonly kind: 'invalid' | 'expired') {
    super(kind === 'invalid' ? 'The security token included in the request is invalid.' : 'The security token included in the request is expired');
  }
}

/** The sandbox cannot start as asked (bad seed, state file or fault settings): the operator's to fix, not a bug. */
export class SandboxSetupError extends Error {
  override readonly name = 'SandboxSetupError';
}
