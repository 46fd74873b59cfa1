/**
 * Request decoding for the awsQuery protocol: flat form parameters such as `UserName=alice`,
 * `ActionNames.member.1=iam:ChangePassword` or `Tags.member.2.Key=team`, plus AWS-style input validation.
 */
import { IamError } from '../errors.js';

export class QueryParams {
  private readonly values = new Map<string, string>();

  constructor(form: URLSearchParams) {
    for (const [key, value] of form) this.values.set(key, value);
  }

  string(name: string): string | undefined {
    return this.values.get(name);
  }

  /** Every parameter as sent (for CloudTrail's requestParameters, which leaves secrets out). */
  entries(): IterableIterator<[string, string]> {
    return this.values.entries();
  }

  /**
   * `Name.member.N` in order of N. The SDK sends an empty list as `Name=` (serializeEmptyLists), which
   * yields `[]`; an absent list yields `undefined`.
   */
  list(name: string): string[] | undefined {
    return this.indexed(name, '', (key) => this.values.get(key) ?? '');
  }

  /** `Name.member.N.Field` records, for lists of structures such as Tags. */
  structList<F extends string>(name: string, fields: readonly F[]): Record<F, string | undefined>[] | undefined {
    return this.indexed(name, '.', (key) => {
      const entry = {} as Record<F, string | undefined>;
      for (const field of fields) entry[field] = this.values.get(`${key}.${field}`);
      return entry;
    });
  }

  /** Calls `read` with each `Name.member.N` prefix present (followed by `after` in the parameter key), by N. */
  private indexed<T>(name: string, after: string, read: (key: string) => T): T[] | undefined {
    const prefix = `${name}.member.`;
    const indexes = new Set<number>();
    for (const key of this.values.keys()) {
      if (!key.startsWith(prefix)) continue;
      const match = /^([1-9]\d*)(.*)$/.exec(key.slice(prefix.length));
      if (match && (after === '' ? match[2] === '' : match[2]!.startsWith(after))) indexes.add(Number(match[1]));
    }
    if (indexes.size === 0) return this.values.has(name) ? [] : undefined;
    return [...indexes].sort((a, b) => a - b).map((index) => read(`${prefix}${index}`));
  }
}

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** The pattern as AWS prints it in the message (its model's regex, not the JS one). */
  patternText?: string;
  oneOf?: readonly string[];
  /** Sensitive members (passwords) are never echoed back: AWS leaves their value out of the message. */
  sensitive?: boolean;
}

interface NumberRule {
  min?: number;
  max?: number;
}

/**
 * Collects constraint failures the way AWS's front end reports them: every failing member in one
 * 400 `ValidationError`, "N validation errors detected: a; b", with members named in lowerCamelCase.
 */
export class Validation {
  private readonly failures: string[] = [];

  constructor(private readonly params: QueryParams) {}

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const value = this.params.string(name);
    if (value === undefined) {
      if (rule.required) this.fail(name, null, 'Member must not be null');
      return undefined;
    }
    this.check(name, value, rule);
    return value;
  }

  /** A required value nested in a list (`TagKeys.1.member`, `Tags.1.member.key`); `''` stands in when missing. */
  member(name: string, value: string | undefined, rule: StringRule): string {
    if (value === undefined) this.fail(name, null, 'Member must not be null');
    else this.check(name, value, rule);
    return value ?? '';
  }

  /** A list of strings; a missing required list fails like any missing required member. */
  list(name: string, required: true): string[];
  list(name: string, required?: boolean): string[] | undefined;
  list(name: string, required = false): string[] | undefined {
    const items = this.params.list(name);
    if (items === undefined && required) this.fail(name, null, 'Member must not be null');
    return items ?? (required ? [] : undefined);
  }

  /** A list of structures such as `Tags`. */
  structList<F extends string>(name: string, fields: readonly F[], required: boolean): Record<F, string | undefined>[] | undefined {
    const items = this.params.structList(name, fields);
    if (items === undefined && required) this.fail(name, null, 'Member must not be null');
    return items;
  }

  private check(name: string, value: string, rule: StringRule): void {
    const shown = rule.sensitive ? undefined : value;
    const length = [...value].length;
    if (rule.min !== undefined && length < rule.min) this.fail(name, shown, `Member must have length greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && length > rule.max) this.fail(name, shown, `Member must have length less than or equal to ${rule.max}`);
    if (rule.pattern && !rule.pattern.test(value)) {
      this.fail(name, shown, `Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`);
    }
    if (rule.oneOf && !rule.oneOf.includes(value)) this.fail(name, shown, `Member must satisfy enum value set: [${rule.oneOf.join(', ')}]`);
  }

  int(name: string, rule: NumberRule = {}): number | undefined {
    const text = this.params.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value)) {
      this.fail(name, text, 'Member must be an integer');
      return undefined;
    }
    if (rule.min !== undefined && value < rule.min) this.fail(name, text, `Member must have value greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && value > rule.max) this.fail(name, text, `Member must have value less than or equal to ${rule.max}`);
    return value;
  }

  bool(name: string): boolean | undefined {
    const text = this.params.string(name);
    if (text === undefined) return undefined;
    if (text === 'true' || text === 'false') return text === 'true';
    this.fail(name, text, 'Member must be a boolean');
    return undefined;
  }

  /** Throws the collected failures, if any, as one ValidationError. */
  done(): void {
    if (this.failures.length === 0) return;
    const count = this.failures.length;
    const heading = count === 1 ? '1 validation error detected' : `${count} validation errors detected`;
    throw new IamError('ValidationError', `${heading}: ${this.failures.join('; ')}`);
  }

  /** `shown`: the value to echo, `null` for a missing member, `undefined` for a sensitive one. */
  private fail(name: string, shown: string | null | undefined, constraint: string): void {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    const value = shown === null ? 'Value null' : shown === undefined ? 'Value' : `Value '${shown}'`;
    this.failures.push(`${value} at '${member}' failed to satisfy constraint: ${constraint}`);
  }
}
