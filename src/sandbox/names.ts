/** IAM's naming constraints, shared by request validation and seed validation. */

/** User names: 1-64 of `[\w+=,.@-]`. */
export const USER_NAME = { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };

/** Paths: `/` or `/segments/` of printable ASCII, up to 512 characters. */
export const PATH = { min: 1, max: 512, pattern: /^(\/|\/[\u0021-\u007E]+\/)$/, patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' };

export const PATH_PREFIX = { min: 1, max: 512, pattern: /^\/[\u0021-\u007F]*$/, patternText: '\\u002F[\\u0021-\\u007F]*' };

export const TAG_KEY = { min: 1, max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' };

export const TAG_VALUE = { min: 0, max: 256, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' };

/** Role names: 1-64 of `[\w+=,.@-]`, like user names. */
export const ROLE_NAME = { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };

/** STS: RoleSessionName and SourceIdentity, 2-64 of `[\w+=,.@-]`. */
export const SESSION_NAME = { min: 2, max: 64, pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]*' };

/** STS: ExternalId, 2-1224 of `[\w+=,.@:/-]`. */
export const EXTERNAL_ID = { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/, patternText: '[\\w+=,.@:\\/-]*' };

/** Whether `value` satisfies one of the constraints above (for callers that report problems their own way). */
export function satisfies(value: string, rule: { min: number; max: number; pattern: RegExp }): boolean {
  const length = [...value].length;
  return length >= rule.min && length <= rule.max && rule.pattern.test(value);
}
