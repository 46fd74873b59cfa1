/**
 * What can go wrong between iampass and an AWS endpoint below the AWS protocol: no connection, no reply, a reply
 * too slow, too large or not the document the call expects. Each failure names the call and where it was sent
 * (the endpoint's origin only), never the reply's body.
 */

/** The closed set of transport failures; `errors.ts` maps each to a code, a retry rule and a fix. */
export type TransportFailure =
  | 'connect-timeout'
  | 'first-byte-timeout'
  | 'stall-timeout'
  | 'attempt-timeout'
  | 'refused'
  | 'dns'
  | 'tls'
  | 'reset'
  | 'too-large'
  | 'unexpected-reply';

/** Where a request went: the origin, and where iampass got it from when the user chose it. */
export interface Destination {
  /** `https://iam.amazonaws.com`: scheme, host and port, nothing else. */
  origin: string;
  /** `--endpoint-url`, `AWS_ENDPOINT_URL`, ...; absent for the SDK's default endpoint. */
  source?: string;
}

export function describeDestination(d: Destination): string {
  return d.source ? `${d.origin} (from ${d.source})` : d.origin;
}

/** The call a transport failure happened to, and what is known of the cause beyond the failure kind. */
export interface FailureDetails {
  operation: string;
  /** `IAM`, `STS`: the service the request was signed for. */
  service: string;
  destination: Destination;
  /** The system error code behind it (`ECONNREFUSED`, `CERT_HAS_EXPIRED`), when there is one. */
  systemCode?: string;
  /** The HTTP status of a reply that was refused. */
  httpStatus?: number;
}

/** A failure below the AWS protocol. Invariant: `message` holds no body text, no URL path, query or user info. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly failure: TransportFailure,
    message: string,
    readonly details: FailureDetails,
  ) {
    super(message);
  }
}
