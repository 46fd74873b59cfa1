/**
 * Text from a file or an argument, made safe to print: control characters (ANSI escapes included), bidirectional
 * overrides and other invisible format characters are written as escapes (`\x1b`, `\u202e`), so a name in a
 * message can neither drive the terminal nor disguise itself.
 */

const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

function escapeOne(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code === 0x09) return '\\t';
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** `s` with every control and format character escaped; unchanged when it has none. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, escapeOne);
}

