/**
 * AWS errors, normalised at the adapter boundary so nothing beyond `src/iam` needs SDK types, so a message can
 * never carry a secret, a URL's path or query, or a control character outward, and so each one says what to do.
 */
import { PaginationError } from '../util/paginate.js';
import { redactUrls } from '../util/redact-url.js';
import { TransportError, type TransportFailure } from './http/transport-error.js';

/**
 * An AWS call that failed. Invariant: `message` says what happened (and, for failures below the AWS protocol,
 * where: the endpoint's origin), holds no secret and no control character; `fix`, when set, says what to do.
 */
export class IamError extends Error {
  override readonly name = 'IamError';
  /** What the person running iampass can do about it; one sentence. */
  fix: string | undefined;
  constructor(
    /** The AWS error code, e.g. `NoSuchEntity`, `Throttling`, or iampass's own for the transport: `Timeout`, `ConnectionRefused`. */
    readonly code: string,
    message: string,
    readonly httpStatus: number | undefined,
    readonly requestId: string | undefined,
    /** How many attempts were made; above 1, an earlier attempt may have reached IAM without its reply. */
    public attempts = 1,
    fix?: string,
  ) {
    // No stack trace: an IamError is an answer from AWS, not a bug, and is never printed with one. Capturing it cost
    // a tenth of a millisecond per call, paid thousands of times in a plan (every user without a password is a 404).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.fix = fix;
  }
}

/** What `toIamError` knows about the call, to say where it went and what to do. */
export interface ErrorContext {
  /** The AWS operation (`ListUsers`): names the permission an `AccessDenied` is missing. */
  operation?: string;
  /** Strings that must never appear in the message (a password being sent). */
  secrets?: readonly string[];
  /** The endpoint the call went to, as `describeDestination` words it: named in the message of an auth error. */
  where?: string;
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** The transport's failures as error codes; several kinds of timeout are one code, told apart by the message. */
const TRANSPORT_CODES: Readonly<Record<TransportFailure, string>> = {
  'connect-timeout': 'Timeout',
  'first-byte-timeout': 'Timeout',
  'stall-timeout': 'Timeout',
  'attempt-timeout': 'Timeout',
  refused: 'ConnectionRefused',
  dns: 'DnsFailure',
  tls: 'TlsFailure',
  reset: 'ConnectionReset',
  'too-large': 'ReplyTooLarge',
  'unexpected-reply': 'UnexpectedReply',
};

/** Turns anything an AWS call throws into an `IamError`: secrets removed, control characters stripped, a fix attached. */
export function toIamError(error: unknown, context: ErrorContext | readonly string[] = {}): IamError {
  const ctx: ErrorContext = Array.isArray(context) ? { secrets: context as readonly string[] } : (context as ErrorContext);
  if (error instanceof IamError) return error;
  if (error instanceof TransportError) return fromTransport(error);
  if (error instanceof PaginationError) return new IamError('InvalidPagination', printable(error.message), undefined, undefined, 1, PAGINATION_FIX);
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkLikeError;
  const raw = e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'UnknownError';
  const code = normaliseCode(printable(raw).replace(/[^\w.:-]/g, '').slice(0, 100) || 'UnknownError');
  const message = printable(redactUrls(redact(e.message ?? code, ctx.secrets ?? []))).trim();
  const result = new IamError(code, message.length > 500 ? `${message.slice(0, 500)}… (${message.length} characters)` : message, e.$metadata?.httpStatusCode, e.$metadata?.requestId);
  result.fix = fixFor(code, ctx);
  if (code === 'NoCredentials') result.message = `no AWS credentials were found (${result.message})`;
  // Who refused matters for credentials and permissions: a local endpoint and AWS disagree about both.
  else if (result.fix !== undefined && ctx.where !== undefined) result.message += ` (answered by ${ctx.where})`;
  return result;
}

function fromTransport(error: TransportError): IamError {
  const code = TRANSPORT_CODES[error.failure];
  const result = new IamError(code, printable(error.message).trim(), error.details.httpStatus, undefined);
  result.fix = transportFix(error);
  return result;
}

const PAGINATION_FIX = 'the endpoint is not paging like AWS does: check --endpoint-url / AWS_ENDPOINT_URL point at a real AWS endpoint';

/** What to do about a transport failure; the message already says where, so the fix names the setting to change. */
function transportFix(error: TransportError): string {
  const { service, systemCode, destination } = error.details;
  const { source } = destination;
  const correct = source ? `, or correct ${source} (unset it to use AWS)` : '';
  switch (error.failure) {
    case 'refused':
      return source ? `start the endpoint (for a local one: iampass sandbox)${correct}` : 'check the network path to AWS (proxy, firewall, VPN)';
    case 'dns':
      return source ? `check the host name in ${source}` : 'check this machine\'s DNS and network connection';
    case 'tls':
      if (systemCode === 'ERR_SSL_WRONG_VERSION_NUMBER' || /does not speak TLS/.test(error.message)) {
        return `the endpoint answers without TLS: use an http:// URL${source ? ` in ${source}` : ''}`;
      }
      return 'check the endpoint\'s certificate; for a private certificate authority, point NODE_EXTRA_CA_CERTS at its PEM file';
    case 'too-large':
    case 'unexpected-reply':
      return `check that ${source ?? 'the endpoint'} points at an AWS ${service} endpoint; a proxy or captive portal may be answering instead`;
    case 'reset':
      return `check that the endpoint is up and stays up${correct}`;
    default:
      return `check that the endpoint is up and answering${correct}; a proxy or firewall may be holding the connection`;
  }
}

function fixFor(code: string, ctx: ErrorContext): string | undefined {
  switch (code) {
    case 'NoCredentials':
      return 'give credentials: --profile or AWS_PROFILE (after `aws configure` or `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'RequestExpired':
      return 'the credentials have expired: renew them (`aws sso login`, or new temporary credentials) and run again';
    case 'InvalidClientTokenId':
    case 'UnrecognizedClientException':
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
      return 'AWS does not accept these credentials: check the access key and secret (--profile, AWS_PROFILE, AWS_ACCESS_KEY_ID)';
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'UnauthorizedOperation': {
      const permission = ctx.operation ? `${ctx.operation === 'GetCallerIdentity' ? 'sts' : 'iam'}:${ctx.operation}` : 'the permission named above';
      return `allow ${permission} for these credentials (an IAM policy on the user or role), or use credentials that have it`;
    }
    default:
      return undefined;
  }
}

/** The credential report's errors, whose SDK classes are not named after their AWS codes. */
const RENAMED: Record<string, string> = {
  CredentialReportNotReadyException: 'ReportInProgress',
  CredentialReportNotPresentException: 'ReportNotPresent',
  CredentialReportExpiredException: 'ReportExpired',
  CredentialsProviderError: 'NoCredentials',
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

/**
 * Text an endpoint sent, made safe for a terminal: ANSI escape sequences removed, other control characters
 * (C0, DEL, C1, and the Unicode bidirectional overrides) replaced by a space.
 */
export function printable(text: string): string {
  /* eslint-disable no-control-regex -- matching control characters is the point */
  if (!/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(text)) return text;
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ');
  /* eslint-enable no-control-regex */
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN',
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError', 'ConnectionReset']);
/** Failures that cost a whole deadline, or that a retry seldom cures: a few attempts, not the policy's many. */
const FEW_ATTEMPTS = new Set(['Timeout', 'ConnectionRefused', 'DnsFailure']);

export function isThrottling(error: IamError): boolean {
  return THROTTLING.has(error.code);
}

/** Throttling, 5xx, timeouts and network failures: worth another attempt after a pause. */
export function isTransient(error: IamError): boolean {
  if (isThrottling(error)) return true;
  if (FEW_ATTEMPTS.has(error.code)) return true;
  if (error.httpStatus !== undefined && error.httpStatus >= 500) return true;
  if (error.code === 'ServiceFailure' || error.code === 'ServiceUnavailable') return true;
  return error.httpStatus === undefined && (TRANSIENT_NETWORK.has(error.code) || /socket hang up/i.test(error.message));
}

/**
 * The most attempts a call that fails this way gets: `policyMax` for throttling and 5xx; `fewMax` for timeouts,
 * nothing listening and DNS failures (each either costs a deadline or is seldom cured by waiting); 1 for the rest.
 */
export function attemptsAllowed(error: IamError, policyMax: number, fewMax: number): number {
  if (!isTransient(error)) return 1;
  return FEW_ATTEMPTS.has(error.code) ? Math.min(fewMax, policyMax) : policyMax;
}

/** `fn`'s result, or, when IAM answered with an error, what a fact-reading advisory records instead: why it is unknown. */
export async function knownOr<T>(fn: () => Promise<T>, operation: string): Promise<T | { unknown: string }> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof IamError) return { unknown: `${operation}: ${error.code}: ${error.message}` };
    throw error;
  }
}
