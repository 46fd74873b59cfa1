/**
 * Writing a desired-state file from live IAM (`iampass import`), or merging live IAM into an existing file so that
 * every comment and setting a person wrote survives. Pure: text in, text out, through the `yaml` Document API.
 *
 * The promise is a round trip: `plan` against the result shows no changes. Hence every in-scope user is listed
 * with its live console state, the live policy is written whole (or `default`), and a user whose reset is still
 * pending is given `passwordResetRequired: true` wherever the file's defaults would say otherwise.
 */
import { isMap, isScalar, parseDocument, Scalar, YAMLMap, type Document, type Pair } from 'yaml';
import { POLICY_FIELDS, type PasswordPolicy } from '../model/policy.js';

/** What import found in live IAM, in the file's terms. */
export interface ImportedState {
  account: string;
  /** `null`: no custom policy (written as `default`). */
  passwordPolicy: PasswordPolicy | null;
  scope: { pathPrefix: string | null; tags: Readonly<Record<string, string>> };
  /**
   * Every in-scope user, sorted by name. `rotation`: the token recorded on the user (`null`: none), when it was read
   * (merging into a file that rotates); absent otherwise.
   */
  users: ReadonlyArray<{ name: string; console: boolean; resetPending: boolean; rotation?: string | null }>;
}

export const SCHEMA_COMMENT_PREFIX = ' yaml-language-server: $schema=';

/** A new file: the schema line, a short header, then version, account, policy, scope, defaults and users. */
export function emitDesiredState(state: ImportedState, schemaPath: string): string {
  const doc = parseDocument('version: 1\n');
  doc.commentBefore = [
    `${SCHEMA_COMMENT_PREFIX}${schemaPath}`,
    '',
    ` Imported by \`iampass import\` from account ${state.account}: the console state of ${state.users.length} user${state.users.length === 1 ? '' : 's'}.`,
    ' `iampass plan` against this file shows no changes; edit it to make some.',
  ].join('\n');
  doc.set('account', quoted(state.account));
  setPolicy(doc, state.passwordPolicy);
  keyNode(doc.contents as YAMLMap, 'passwordPolicy').commentBefore = ' The account password policy as it is now, every setting explicit.';

  const scope = new YAMLMap();
  if (state.scope.pathPrefix !== null) scope.set('pathPrefix', state.scope.pathPrefix);
  if (Object.keys(state.scope.tags).length > 0) scope.set('tags', flowMap(Object.entries(state.scope.tags)));
  const unlisted = new Scalar('ignore');
  unlisted.comment = ' users created later are left alone (disable: they would lose console access)';
  scope.set('unlisted', unlisted);
  doc.set('scope', scope);
  keyNode(doc.contents as YAMLMap, 'scope').spaceBefore = true;

  const reset = new Scalar(true);
  reset.comment = ' passwords iampass sets must be changed at first sign-in';
  const defaults = new YAMLMap();
  defaults.set('passwordResetRequired', reset);
  doc.set('defaults', defaults);

  const users = new YAMLMap();
  for (const u of state.users) users.set(u.name, userEntry(u.console, null));
  doc.set('users', users);
  keyNode(doc.contents as YAMLMap, 'users').spaceBefore = true;
  return doc.toString({ lineWidth: 0 });
}

export type MergeResult = { ok: true; text: string } | { ok: false; problem: string };

/**
 * Merges `state` into the file `source`: values change in place (a pair keeps its comments), users no longer in
 * scope are removed, new ones are added, and what the importer does not know (scope.unlisted, protected users,
 * defaults, other users' settings, and whether the file manages the policy at all) is kept. Protected users without a console password are left unlisted: the
 * file may not say `console: false` for them, and protection already keeps the plan away from them.
 */
export function mergeDesiredState(source: string, state: ImportedState, schemaPath: string, protectedUsers: readonly string[]): MergeResult {
  const doc = parseDocument(source, { keepSourceTokens: false });
  if (doc.errors.length > 0) return { ok: false, problem: `it is not valid YAML (${doc.errors[0]?.message.split('\n')[0] ?? 'syntax error'})` };
  if (!isMap(doc.contents)) return { ok: false, problem: 'its top level is not a map of settings' };

  // The line may sit in the document's comment or, with no blank line after it, in the first key's: look at the text.
  if (!hasSchemaLine(source)) {
    doc.commentBefore = `${SCHEMA_COMMENT_PREFIX}${schemaPath}${doc.commentBefore ? `\n${doc.commentBefore}` : ''}`;
  }
  doc.set('version', 1);
  if (doc.has('account')) doc.set('account', quoted(state.account));
  else insertAfter(doc.contents, 'version', 'account', quoted(state.account));
  // A file that leaves the policy out does not manage it; merging keeps it that way.
  if (doc.has('passwordPolicy')) setPolicy(doc, state.passwordPolicy);
  if (state.scope.pathPrefix !== null) doc.setIn(['scope', 'pathPrefix'], state.scope.pathPrefix);
  else if (doc.hasIn(['scope', 'pathPrefix'])) doc.deleteIn(['scope', 'pathPrefix']);
  if (Object.keys(state.scope.tags).length > 0) doc.setIn(['scope', 'tags'], flowMap(Object.entries(state.scope.tags)));
  else if (doc.hasIn(['scope', 'tags'])) doc.deleteIn(['scope', 'tags']);

  const defaultReset = doc.getIn(['defaults', 'passwordResetRequired']) !== false;
  const defaultRotation = doc.getIn(['defaults', 'rotation']);
  if (!isMap(doc.get('users', true))) doc.set('users', new YAMLMap());
  const users = doc.get('users', true) as YAMLMap;
  const wasSorted = isSorted(users.items.map(keyName));
  const imported = new Map(state.users.map((u) => [u.name.toLowerCase(), u]));
  const protectedSet = new Set(protectedUsers.map((p) => p.toLowerCase()));

  users.items = users.items.filter((pair) => {
    const u = imported.get(keyName(pair).toLowerCase());
    return u !== undefined && !(protectedSet.has(u.name.toLowerCase()) && !u.console);
  });
  for (const u of state.users) {
    if (protectedSet.has(u.name.toLowerCase()) && !u.console) continue;
    const existing = users.items.find((pair) => keyName(pair).toLowerCase() === u.name.toLowerCase());
    if (!existing) {
      const entry = userEntry(u.console, u.console && u.resetPending && !defaultReset ? true : null);
      // Adopted under defaults.rotation with another token (or none) recorded: the next plan would rotate it. Adoption
      // changes nothing, so the user opts out, saying so; removing the line rotates it.
      if (u.console && typeof defaultRotation === 'string' && u.rotation !== defaultRotation) {
        entry.set('rotation', false);
        entry.comment = ` adopted by import: no "${defaultRotation}" rotation recorded; remove rotation: false to rotate it`;
      }
      users.set(u.name, entry);
      continue;
    }
    if (!isMap(existing.value)) {
      existing.value = userEntry(u.console, u.console && u.resetPending && !defaultReset ? true : null);
      continue;
    }
    const entry = existing.value;
    entry.set('console', u.console);
    const explicit = entry.get('passwordResetRequired');
    const effective = typeof explicit === 'boolean' ? explicit : defaultReset;
    if (!u.console && entry.has('passwordResetRequired')) entry.delete('passwordResetRequired');
    else if (u.console && u.resetPending && !effective) entry.set('passwordResetRequired', true);
  }
  if (wasSorted) users.items.sort((a, b) => compareNames(keyName(a), keyName(b)));
  return { ok: true, text: doc.toString({ lineWidth: 0 }) };
}

/** The policy in place: an existing map keeps its pairs (and their comments); `default` replaces it. */
function setPolicy(doc: Document, policy: PasswordPolicy | null): void {
  if (policy === null) {
    doc.set('passwordPolicy', 'default');
    return;
  }
  let map = doc.get('passwordPolicy', true);
  if (!isMap(map)) {
    map = new YAMLMap();
    doc.set('passwordPolicy', map);
  }
  const target = map as YAMLMap;
  for (const field of POLICY_FIELDS) {
    const value = policy[field];
    if (value === null) target.delete(field);
    else target.set(field, value);
  }
  target.items.sort((a, b) => POLICY_FIELDS.indexOf(keyName(a) as never) - POLICY_FIELDS.indexOf(keyName(b) as never));
}

/** Whether the file's leading comment lines already point editors at the schema. */
function hasSchemaLine(source: string): boolean {
  for (const line of source.split(/\r?\n/)) {
    const text = line.trim();
    if (text === '') continue;
    if (!text.startsWith('#')) return false;
    if (text.includes('yaml-language-server: $schema=')) return true;
  }
  return false;
}

function insertAfter(map: YAMLMap, after: string, key: string, value: unknown): void {
  map.set(key, value);
  const pair = map.items.pop() as Pair;
  const index = map.items.findIndex((p) => keyName(p) === after);
  map.items.splice(index + 1, 0, pair);
}

function userEntry(console: boolean, passwordResetRequired: boolean | null): YAMLMap {
  const entries: Array<[string, unknown]> = [['console', console]];
  if (passwordResetRequired !== null) entries.push(['passwordResetRequired', passwordResetRequired]);
  return flowMap(entries);
}

function flowMap(entries: Array<[string, unknown]>): YAMLMap {
  const map = new YAMLMap();
  map.flow = true;
  for (const [k, v] of entries) map.set(k, v);
  return map;
}

function quoted(value: string): Scalar {
  const s = new Scalar(value);
  s.type = Scalar.QUOTE_DOUBLE;
  return s;
}

/** The key of `key`'s pair as a node (keys set from plain strings are stored bare), for its comments and spacing. */
function keyNode(map: YAMLMap, key: string): Scalar {
  const pair = map.items.find((p) => keyName(p) === key) as Pair;
  if (!isScalar(pair.key)) pair.key = new Scalar(pair.key);
  return pair.key as Scalar;
}

function keyName(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function isSorted(names: string[]): boolean {
  return names.every((n, i) => i === 0 || compareNames(names[i - 1] as string, n) <= 0);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
