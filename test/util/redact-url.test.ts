import { describe, expect, it } from 'vitest';
import { originOf, redactUrls } from '../../src/util/redact-url.js';

describe('originOf: a URL as a message may show it', () => {
  const cases: Array<[string, string]> = [
    ['https://user:pa55@hooks.example.com/services/T0/B0/secret?sig=abc#frag', 'https://hooks.example.com'],
    ['http://127.0.0.1:4566', 'http://127.0.0.1:4566'],
    ['http://[::1]:4566/path', 'http://[::1]:4566'],
    ['https://iam.amazonaws.com:443/', 'https://iam.amazonaws.com'],
    ['not a url', '(an address that is not a URL)'],
    ['file:///home/me/secret.txt', '(a file: address)'],
  ];
  it.each(cases)('%s -> %s', (url, origin) => expect(originOf(url)).toBe(origin));
});

describe('redactUrls: every URL inside free text', () => {
  it('keeps the text and each URL\'s origin, never user info, path or query', () => {
    const text = 'Request cannot be constructed from a URL that includes credentials: https://user:pass@hooks.example.com/T0/B0/token?x=1.';
    const out = redactUrls(text);
    expect(out).toBe('Request cannot be constructed from a URL that includes credentials: https://hooks.example.com.');
    for (const secret of ['user', 'pass', 'T0', 'token', 'x=1']) expect(out).not.toContain(secret);
  });

  it('handles several URLs and leaves other text alone', () => {
    expect(redactUrls('from http://a.example/x to https://b.example:8443/y?z, done')).toBe('from http://a.example to https://b.example:8443, done');
  });
});
