import { randomInt } from 'node:crypto';
import { IAM_SYMBOLS, type PasswordRules } from '../model/policy.js';

const CLASSES = {
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  numbers: '0123456789',
  symbols: IAM_SYMBOLS,
} as const;
const ALPHABET = Object.values(CLASSES).join('');

export const DEFAULT_PASSWORD_LENGTH = 20;

/**
 * A cryptographically random password that meets `rules`: at least `length` characters (never fewer than the
 * rules' minimum) with one character of every class, which satisfies any IAM policy, and symbols from IAM's own
 * set so every character counts toward the class it was drawn for.
 */
export function generatePassword(rules: PasswordRules, length = DEFAULT_PASSWORD_LENGTH): string {
  const size = Math.min(128, Math.max(length, rules.minimumLength, Object.keys(CLASSES).length));
  const chars = Object.values(CLASSES).map(pick);
  while (chars.length < size) chars.push(pick(ALPHABET));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)] as string;
}
