import { describe, expect, it } from 'vitest';
import { EndpointError, resolveEndpoints } from '../../src/iam/endpoints.js';

describe('which endpoint each service uses, and who said so', () => {
  it('the flag wins over every variable, for IAM and STS alike', () => {
    expect(resolveEndpoints('http://127.0.0.1:4566', { AWS_ENDPOINT_URL: 'http://x:1', AWS_ENDPOINT_URL_IAM: 'http://y:2' })).toEqual({
      iam: { url: 'http://127.0.0.1:4566', source: '--endpoint-url' },
      sts: { url: 'http://127.0.0.1:4566', source: '--endpoint-url' },
    });
  });

  it('a service\'s own variable wins over AWS_ENDPOINT_URL, and applies to that service only', () => {
    expect(resolveEndpoints(undefined, { AWS_ENDPOINT_URL: 'http://all:1', AWS_ENDPOINT_URL_IAM: 'http://iam:2' })).toEqual({
      iam: { url: 'http://iam:2', source: 'AWS_ENDPOINT_URL_IAM' },
      sts: { url: 'http://all:1', source: 'AWS_ENDPOINT_URL' },
    });
    expect(resolveEndpoints(undefined, { AWS_ENDPOINT_URL_STS: 'https://sts.example' })).toEqual({ sts: { url: 'https://sts.example', source: 'AWS_ENDPOINT_URL_STS' } });
  });

  it('nothing set, or set empty, or the variables turned off: AWS\'s own endpoints', () => {
    expect(resolveEndpoints(undefined, {})).toEqual({});
    expect(resolveEndpoints(undefined, { AWS_ENDPOINT_URL: '' })).toEqual({});
    expect(resolveEndpoints(undefined, { AWS_ENDPOINT_URL: 'http://x:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toEqual({});
  });
});

describe('an endpoint that cannot be used is named with its flag or variable, before any client is built', () => {
  const cases: Array<{ flag?: string; env?: Record<string, string>; message: string; fix: string }> = [
    {
      env: { AWS_ENDPOINT_URL: '127.0.0.1:4566' },
      message: 'AWS_ENDPOINT_URL is not a URL with a scheme (127.0.0.1:4566)',
      fix: 'write it in full, with http:// or https://, e.g. http://127.0.0.1:4566',
    },
    {
      flag: 'localhost:4566',
      message: '--endpoint-url is not a URL with a scheme (localhost:4566)',
      fix: 'write it in full, with http:// or https://, e.g. http://localhost:4566',
    },
    {
      env: { AWS_ENDPOINT_URL_IAM: 'iam.example.com' },
      message: 'AWS_ENDPOINT_URL_IAM is not a URL with a scheme (iam.example.com)',
      fix: 'write it in full, with http:// or https://, e.g. https://iam.example.com',
    },
    { flag: 'ftp://files.example', message: '--endpoint-url must be an http:// or https:// URL, not ftp:', fix: 'write it as http://127.0.0.1:4566 or https://iam.amazonaws.com' },
    {
      env: { AWS_ENDPOINT_URL: 'user:secret@proxy' },
      message: 'AWS_ENDPOINT_URL is not a URL with a scheme',
      fix: 'write it in full, with http:// or https://, e.g. http://127.0.0.1:4566 or https://iam.amazonaws.com',
    },
  ];
  it.each(cases)('$message', ({ flag, env, message, fix }) => {
    const error = (() => {
      try {
        resolveEndpoints(flag, env ?? {});
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EndpointError);
    expect(error).toMatchObject({ message, fix });
    // A value that could hold credentials is never quoted back.
    expect((error as Error).message).not.toContain('secret');
  });
});
