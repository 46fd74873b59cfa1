/**
 * AWS errors, normalised at the adapter boundary so nothing beyond `src/iam` needs SDK types, and so a message
 * can never carry a secret outward.
 */
export class IamError extends Error {
  override readonly name = 'IamError';
  constructor(
    /** The AWS error code, e.g. `NoSuchEntity`, `Throttling`, or a network code such as `ECONNRESET`. */
    readonly code: string,
    message: string,
    readonly httpStatus: number | undefined,
    readonly requestId: string | undefined,
    /** How many attempts were made; above 1, an earlier attempt may have reached IAM without its reply. */
    public attempts = 1,
  ) {
    super(message);
  }
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $fault?: string;
  $retryable?: unknown;
}

/** Turns anything the SDK throws into an `IamError`, with every given secret removed from the message. */
export function toIamError(error: unknown, secrets: readonly string[] = []): IamError {
  if (error instanceof IamError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkLikeError;
  const code = e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'UnknownError';
  return new IamError(
    normaliseCode(code),
    redact(e.message ?? code, secrets),
    e.$metadata?.httpStatusCode,
    e.$metadata?.requestId,
  );
}

/** The credential report's errors, whose SDK classes are not named after their AWS codes. */
const RENAMED: Record<string, string> = {
  CredentialReportNotReadyException: 'ReportInProgress',
  CredentialReportNotPresentException: 'ReportNotPresent',
  CredentialReportExpiredException: 'ReportExpired',
};

/** The SDK names modeled errors after their class (`NoSuchEntityException`); AWS's code is `NoSuchEntity`. */
function normaliseCode(name: string): string {
  if (Object.hasOwn(RENAMED, name)) return RENAMED[name] as string;
  const known = ['NoSuchEntity', 'EntityAlreadyExists', 'EntityTemporarilyUnmodifiable', 'PasswordPolicyViolation',
    'LimitExceeded', 'ServiceFailure', 'InvalidInput', 'DeleteConflict', 'ConcurrentModification'];
  for (const k of known) if (name === `${k}Exception` || name === k) return k;
  return name;
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('(sensitive value)');
  return out;
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN',
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError']);

export function isThrottling(error: IamError): boolean {
  return THROTTLING.has(error.code);
}

/** Throttling, 5xx and network failures: worth another attempt after a pause. */
export function isTransient(error: IamError): boolean {
  if (isThrottling(error)) return true;
  if (error.httpStatus !== undefined && error.httpStatus >= 500) return true;
  if (error.code === 'ServiceFailure' || error.code === 'ServiceUnavailable') return true;
  return error.httpStatus === undefined && (TRANSIENT_NETWORK.has(error.code) || /socket hang up/i.test(error.message));
}
