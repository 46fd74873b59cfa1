/**
 * The one string order of iampass: by UTF-16 code unit, as `<` compares, so the same names always sort the same way
 * whatever the locale (`localeCompare` would not). Used for users, actions and keys alike.
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
