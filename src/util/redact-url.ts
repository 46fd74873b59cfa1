/**
 * URLs in messages. A URL can carry secrets in its user info (`https://user:pass@host`), its path (Slack webhook
 * tokens) or its query (presigned signatures), so a message names only the origin: scheme, host and port.
 */

/** `https://user:pass@hooks.example.com/T0/B0/x?sig=1` -> `https://hooks.example.com`. Never throws. */
export function originOf(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '(an address that is not a URL)';
  }
  // `origin` is the string "null" for schemes without one (file:, data:); their whole text may be private.
  if (parsed.origin === 'null') return `(a ${parsed.protocol.replace(/:$/, '')}: address)`;
  return parsed.origin;
}

/**
 * Every absolute URL inside free text (an error message from a library, say) replaced by its origin, so text that
 * quotes a URL whole is safe to print.
 */
export function redactUrls(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]+/gi, (match) => {
    // A trailing full stop or comma ends the sentence, not the URL.
    const tail = /[.,;:]+$/.exec(match)?.[0] ?? '';
    return originOf(match.slice(0, match.length - tail.length)) + tail;
  });
}
