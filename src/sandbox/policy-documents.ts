/**
 * IAM policy documents as the sandbox evaluates them for SimulatePrincipalPolicy: Allow and Deny statements with
 * Action or NotAction, Resource or NotResource (wildcards `*` and `?`, policy variables in version 2012-10-17
 * documents) and Conditions with the String, Arn, Numeric, Bool and Null operators (with `IfExists`, `ForAnyValue:`
 * and `ForAllValues:`). A seed's documents are checked against exactly this subset, so whatever the sandbox accepts
 * it evaluates as IAM's documented logic says: an explicit Deny wins, then an Allow, else the implicit deny.
 */

/** AWS-managed policies the sandbox knows, as AWS publishes their default versions. */
export const AWS_MANAGED_POLICIES: ReadonlyMap<string, { versionId: string; description: string; document: string; createDate: string }> = new Map([
  [
    'IAMUserChangePassword',
    {
      versionId: 'v2',
      description: 'Provides the ability for an IAM user to change their own password.',
      createDate: '2016-11-15T00:25:16Z',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['iam:ChangePassword'], Resource: ['arn:aws:iam::*:user/${aws:username}'] },
          { Effect: 'Allow', Action: ['iam:GetAccountPasswordPolicy'], Resource: '*' },
        ],
      }),
    },
  ],
  [
    'AdministratorAccess',
    {
      versionId: 'v1',
      description: 'Provides full access to AWS services and resources.',
      createDate: '2015-02-06T18:39:46Z',
      document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    },
  ],
]);

export const AWS_POLICY_ARN_PREFIX = 'arn:aws:iam::aws:policy/';

/** What a request is, for evaluation: context keys by lower-case name (each with its values). */
export interface RequestContext {
  action: string;
  resource: string;
  keys: ReadonlyMap<string, readonly string[]>;
}

/** One document's verdict: `deny` when a Deny statement applies, else `allow` when an Allow does, else `null`. */
export interface DocumentVerdict {
  effect: 'allow' | 'deny' | null;
  /** Context keys a condition asked for that the request did not have. */
  missing: Set<string>;
}

type Statement = Record<string, unknown>;

const BASE_OPERATORS = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'Bool', 'Null',
].map((o) => o.toLowerCase()));

/** Why a document is outside what the sandbox evaluates; empty when it can be evaluated faithfully. */
export function documentProblems(text: string): string[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return ['is not valid JSON'];
  }
  if (!isObject(document)) return ['must be a JSON object with a Statement'];
  if (document.Version !== undefined && document.Version !== '2012-10-17' && document.Version !== '2008-10-17') return ['Version must be 2012-10-17 or 2008-10-17'];
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.flatMap((statement, index) => statementProblems(statement).map((p) => `Statement ${index + 1}: ${p}`));
}

function statementProblems(statement: unknown): string[] {
  if (!isObject(statement)) return ['must be an object'];
  const problems: string[] = [];
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') problems.push('Effect must be Allow or Deny');
  if ('Principal' in statement || 'NotPrincipal' in statement) problems.push('an identity policy names no Principal');
  for (const [a, b] of [['Action', 'NotAction'], ['Resource', 'NotResource']] as const) {
    if ((a in statement) === (b in statement)) problems.push(`needs exactly one of ${a} and ${b}`);
    else if (strings(statement[a] ?? statement[b]) === null) problems.push(`${a in statement ? a : b} must be a string or a list of strings`);
  }
  if ('Condition' in statement) {
    if (!isObject(statement.Condition)) problems.push('Condition must be an object');
    else {
      for (const [operator, block] of Object.entries(statement.Condition)) {
        if (!BASE_OPERATORS.has(baseOperator(operator).name)) problems.push(`the condition operator ${operator} is not one the sandbox evaluates`);
        if (!isObject(block)) problems.push(`Condition.${operator} must be an object of keys`);
      }
    }
  }
  return problems;
}

/** Evaluates one document (assumed free of `documentProblems`) for the request. */
export function evaluateDocument(text: string, context: RequestContext): DocumentVerdict {
  const document = JSON.parse(text) as Record<string, unknown>;
  const variables = document.Version === '2012-10-17';
  const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]) as Statement[];
  const missing = new Set<string>();
  let effect: DocumentVerdict['effect'] = null;
  for (const statement of statements) {
    if (!applies(statement, context, variables, missing)) continue;
    if (statement.Effect === 'Deny') return { effect: 'deny', missing };
    effect = 'allow';
  }
  return { effect, missing };
}

function applies(statement: Statement, context: RequestContext, variables: boolean, missing: Set<string>): boolean {
  const actions = strings(statement.Action ?? statement.NotAction)!;
  const actionHit = actions.some((a) => glob(a.toLowerCase(), context.action.toLowerCase()));
  if ('Action' in statement ? !actionHit : actionHit) return false;
  const resources = strings(statement.Resource ?? statement.NotResource)!;
  // A simulation without ResourceArns asks about `*`: whether the action is allowed on some resource, so any
  // Resource can match it, and a NotResource excludes it only when it excludes everything.
  const resourceHit =
    context.resource === '*'
      ? 'Resource' in statement || resources.includes('*')
      : resources.some((r) => {
          const pattern = variables ? substitute(r, context) : r;
          return pattern !== null && glob(pattern, context.resource);
        });
  if ('Resource' in statement ? !resourceHit : resourceHit) return false;
  if (!isObject(statement.Condition)) return true;
  return Object.entries(statement.Condition).every(([operator, block]) =>
    Object.entries(block as Record<string, unknown>).every(([key, values]) => condition(operator, key, values, context, variables, missing)),
  );
}

function condition(operator: string, key: string, raw: unknown, context: RequestContext, variables: boolean, missing: Set<string>): boolean {
  const { name, ifExists, set } = baseOperator(operator);
  const wanted = (Array.isArray(raw) ? raw : [raw]).map((v) => {
    const text = String(v);
    return variables ? substitute(text, context) : text;
  });
  const actual = context.keys.get(key.toLowerCase());
  if (name === 'null') return wanted.some((w) => (w === 'true') === (actual === undefined));
  const negated = name.includes('not');
  if (actual === undefined) {
    missing.add(key);
    if (ifExists || set === 'all') return true;
    return set === 'any' ? false : negated;
  }
  const test = (value: string) => wanted.some((w) => w !== null && compare(name.replace('not', ''), value, w));
  if (set === 'all') return actual.every((v) => (negated ? !test(v) : test(v)));
  const hit = actual.some(test);
  return negated ? !hit : hit;
}

function compare(operator: string, value: string, wanted: string): boolean {
  switch (operator) {
    case 'stringequals':
    case 'arnequals':
      return value === wanted;
    case 'stringequalsignorecase':
      return value.toLowerCase() === wanted.toLowerCase();
    case 'stringlike':
    case 'arnlike':
      return glob(wanted, value);
    case 'bool':
      return value.toLowerCase() === wanted.toLowerCase();
    default: {
      const [a, b] = [Number(value), Number(wanted)];
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      if (operator === 'numericequals') return a === b;
      if (operator === 'numericlessthan') return a < b;
      if (operator === 'numericlessthanequals') return a <= b;
      if (operator === 'numericgreaterthan') return a > b;
      return a >= b;
    }
  }
}

/** `ForAnyValue:StringLikeIfExists` -> `stringlike`, set `any`, ifExists. Negation stays in the name (`stringnotlike`). */
function baseOperator(operator: string): { name: string; ifExists: boolean; set: 'any' | 'all' | null } {
  let rest = operator;
  let set: 'any' | 'all' | null = null;
  if (/^ForAnyValue:/i.test(rest)) [set, rest] = ['any', rest.slice('ForAnyValue:'.length)];
  else if (/^ForAllValues:/i.test(rest)) [set, rest] = ['all', rest.slice('ForAllValues:'.length)];
  const ifExists = /IfExists$/i.test(rest);
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  return { name: rest.toLowerCase(), ifExists, set };
}

/** Replaces `${key}` with the request's single value of that key; `null` when the key has none (nothing matches then). */
function substitute(text: string, context: RequestContext): string | null {
  let unresolved = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_m, key: string) => {
    if (key === '*' || key === '?' || key === '$') return key;
    const value = context.keys.get(key.trim().toLowerCase());
    if (value === undefined || value.length !== 1) {
      unresolved = true;
      return '';
    }
    return value[0]!;
  });
  return unresolved ? null : out;
}

/** `*` any run of characters, `?` any one; every other character stands for itself. */
function glob(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(text);
}

function strings(value: unknown): string[] | null {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
