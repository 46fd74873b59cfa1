/**
 * Whether a complete reply is the kind of document its call expects, checked before the SDK sees it: a 200 whose
 * body is empty, HTML, an error document or XML with another root would otherwise be read as an empty result
 * ("no users"), and an error status without an AWS error document as an unnamed failure.
 */
import type { RequestInfo } from './request-info.js';

/**
 * What was wrong with a reply, in words that name the call and never quote the body, to follow "IAM at <origin>";
 * `null` when it is fine.
 */
export function unexpectedReply(info: RequestInfo, status: number, contentType: string | undefined, body: Uint8Array): string | null {
  const ok = status >= 200 && status < 300;
  const first = firstElement(body);
  if (info.protocol === 'query') {
    if (ok && first === `${info.operation}Response`) {
      // A read's answer carries its result element; without it the SDK would return an empty result ("no users").
      if (!READ.test(info.operation) || hasElement(body, `${info.operation}Result`)) return null;
      return `answered ${info.operation} with a ${info.operation}Response that holds no ${info.operation}Result (${body.byteLength} bytes)`;
    }
    if (!ok && first !== undefined && ERROR_ROOTS.has(first)) return null;
  } else if (info.protocol === 'json') {
    const start = firstNonSpace(body);
    if (start === '{') return null;
    // JSON-protocol writes may answer 200 with no body; reads never do. An error may come as a header alone.
    if (start === undefined && ok && !/^(Get|List|Describe|Lookup)/.test(info.operation)) return null;
    if (start === undefined && !ok && contentType !== undefined) return null;
  } else {
    return null;
  }
  const what = `(${mediaType(contentType)}, ${body.byteLength} bytes)`;
  if (ok) {
    const expected = info.protocol === 'query' ? `${info.operation}Response` : 'JSON document';
    return `answered ${info.operation} with a ${status} that is not a ${expected} ${what}`;
  }
  return `answered ${info.operation} with HTTP ${status} and no AWS error document ${what}`;
}

/** Operations that return data: their Query reply must hold a `<{Operation}Result>`. */
const READ = /^(Get|List|Generate|Simulate|Describe)/;

function hasElement(body: Uint8Array, name: string): boolean {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  for (let at = buffer.indexOf(`<${name}`); at !== -1; at = buffer.indexOf(`<${name}`, at + 1)) {
    const next = buffer[at + name.length + 1];
    if (next === 0x3e || next === 0x2f || next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d) return true;
  }
  return false;
}

/** Error roots of the Query protocol: IAM and STS send `ErrorResponse`; EC2-style services `Response`. */
const ERROR_ROOTS = new Set(['ErrorResponse', 'Response', 'Error']);

/** `text/html; charset=utf-8` -> `text/html`; anything odd -> `no content type` or `an unusual content type`. */
function mediaType(contentType: string | undefined): string {
  if (contentType === undefined || contentType.trim() === '') return 'no content type';
  return /^\s*([\w.+-]{1,40}\/[\w.+-]{1,60})/.exec(contentType)?.[1]?.toLowerCase() ?? 'an unusual content type';
}

function firstNonSpace(body: Uint8Array): string | undefined {
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (i === 0 && c === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
      i += 2;
      continue;
    }
    return String.fromCharCode(c);
  }
  return undefined;
}

/**
 * The name of the document's root element, skipping a byte order mark, the XML declaration, comments and
 * whitespace; `undefined` when the body does not start like XML. Reads at most the first 4 KiB.
 */
export function firstElement(body: Uint8Array): string | undefined {
  let text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 4096)).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  for (;;) {
    text = text.trimStart();
    if (text.startsWith('<?')) {
      const end = text.indexOf('?>');
      if (end === -1) return undefined;
      text = text.slice(end + 2);
    } else if (text.startsWith('<!--')) {
      const end = text.indexOf('-->');
      if (end === -1) return undefined;
      text = text.slice(end + 3);
    } else {
      break;
    }
  }
  return /^<([A-Za-z_][\w.-]*)[\s/>]/.exec(text)?.[1];
}
