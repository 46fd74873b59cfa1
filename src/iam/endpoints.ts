/**
 * Which endpoint each service's calls go to, and who said so, decided once before any client is built: an
 * endpoint URL without a scheme would otherwise surface as the SDK's `TypeError: Invalid URL` on the first call,
 * naming neither the flag nor the variable it came from. The precedence is the AWS CLI's: the flag, then the
 * service's variable, then `AWS_ENDPOINT_URL`; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` turns the variables off.
 */
import { printable } from './errors.js';

/** An endpoint override and where it came from. Invariant: `url` parses, with an http: or https: scheme and a host. */
export interface EndpointChoice {
  url: string;
  /** `--endpoint-url`, `AWS_ENDPOINT_URL_IAM`, `AWS_ENDPOINT_URL`, ...; absent when the caller did not say. */
  source?: string;
}

/** Overrides by service; a service without one uses AWS's endpoint. */
export interface EndpointChoices {
  iam?: EndpointChoice;
  sts?: EndpointChoice;
}

/** An endpoint setting that cannot be used; `message` names the flag or variable, `fix` says how to write it. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export function resolveEndpoints(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): EndpointChoices {
  const ignoreEnv = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  const pick = (serviceVariable: string): EndpointChoice | undefined => {
    const candidates: Array<[string, string | undefined]> = [
      ['--endpoint-url', flag],
      ...(ignoreEnv ? [] : ([[serviceVariable, env[serviceVariable]], ['AWS_ENDPOINT_URL', env.AWS_ENDPOINT_URL]] as Array<[string, string | undefined]>)),
    ];
    for (const [source, value] of candidates) {
      if (value !== undefined && value.trim() !== '') return { url: checkEndpoint(value.trim(), source), source };
    }
    return undefined;
  };
  const iam = pick('AWS_ENDPOINT_URL_IAM');
  const sts = pick('AWS_ENDPOINT_URL_STS');
  return { ...(iam ? { iam } : {}), ...(sts ? { sts } : {}) };
}

function checkEndpoint(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return value;
  const shown = quotable(value) ? ` (${printable(value)})` : '';
  const bare = !value.includes('://') && quotable(value);
  const local = /^(localhost|127\.|\[?::1\]?)/.test(value);
  const example = bare ? `${local ? 'http' : 'https'}://${printable(value)}` : 'http://127.0.0.1:4566 or https://iam.amazonaws.com';
  if (url !== undefined && url.protocol !== 'http:' && url.protocol !== 'https:' && value.includes('://')) {
    throw new EndpointError(`${source} must be an http:// or https:// URL, not ${url.protocol}`, `write it as ${example}`);
  }
  throw new EndpointError(`${source} is not a URL with a scheme${shown}`, `write it in full, with http:// or https://, e.g. ${example}`);
}

/** A value is quoted back only when it cannot hold credentials or tokens (user info, a query, a fragment). */
function quotable(value: string): boolean {
  return value.length <= 200 && !/[@?#\s]/.test(value);
}
