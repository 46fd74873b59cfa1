/**
 * Purpose-built readers for the replies a plan receives thousands of times (GetLoginProfile, its 404, pages of
 * ListUsers and ListUserTags) and for the large ones (GetCredentialReport, pages of GetAccountAuthorizationDetails). The SDK's XML parser builds text
 * one character at a time and its schema walk is generic; on these small fixed shapes that was a fifth of the CPU
 * a call cost.
 *
 * Exactness is the contract: for any reply these readers accept, the result is what the SDK's own deserializer
 * returns for the same bytes (the SDK's parser semantics are mirrored: CR normalisation, entity decoding, the
 * handling of empty and whitespace-only text, repeated elements). Anything outside the simple subset they know
 * (comments, CDATA, attributes below the root, unknown entities, repeated singletons, values the SDK would
 * refuse) is declined, and the SDK reads the reply as before. `test/iam/fast-replies.test.ts` holds them to it.
 */
import { _parseRfc3339DateTimeWithOffset, fromBase64 } from './sdk.js';

/** A parsed element, shaped as the SDK's `parseXML` shapes it: text for a leaf, an object of children otherwise. */
export type XmlValue = string | XmlObject;
export interface XmlObject {
  [name: string]: XmlValue | XmlValue[];
}

/** Thrown inside the readers when a reply is outside what they read exactly; the caller falls back to the SDK. */
class Decline extends Error {}

const decline = (): never => {
  throw new Decline();
};

/**
 * Parses the simple subset of XML AWS Query replies use. Returns `undefined` (never throws) for anything else.
 * Attributes are allowed on the root only (its `xmlns`) and are left out of the result, as no reader looks at them.
 */
export function parseSimpleXml(text: string): { root: string; value: XmlValue } | undefined {
  try {
    return new SimpleXmlParser(text).document();
  } catch (error) {
    if (error instanceof Decline) return undefined;
    throw error;
  }
}

class SimpleXmlParser {
  private readonly x: string;
  private i = 0;

  constructor(text: string) {
    // As the SDK's parser does: every CR or CRLF is a LF before anything else is read.
    this.x = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  }

  document(): { root: string; value: XmlValue } {
    this.skipSpace();
    if (this.x.startsWith('<?xml', this.i)) {
      const end = this.x.indexOf('?>', this.i);
      if (end === -1) decline();
      this.i = end + 2;
      this.skipSpace();
    }
    if (this.x[this.i] !== '<' || /[!?/]/.test(this.x[this.i + 1] ?? '')) decline();
    const root = this.element(true);
    this.skipSpace();
    if (this.i !== this.x.length) decline();
    return { root: root.name, value: root.value };
  }

  private element(isRoot: boolean): { name: string; value: XmlValue } {
    this.i += 1; // '<'
    const nameEnd = this.scanName();
    const name = this.x.slice(this.i, nameEnd);
    if (name === '' || name === '__proto__') decline();
    this.i = nameEnd;
    this.attributes(isRoot);
    if (this.x.startsWith('/>', this.i)) {
      this.i += 2;
      return { name, value: '' };
    }
    if (this.x[this.i] !== '>') decline();
    this.i += 1;
    return { name, value: this.content(name) };
  }

  /** Root attributes (`xmlns`) are skipped; an attribute anywhere else is outside the subset. */
  private attributes(isRoot: boolean): void {
    for (;;) {
      this.skipSpace();
      const c = this.x[this.i];
      if (c === '>' || c === '/' || c === undefined) return;
      if (!isRoot) decline();
      const match = /^([A-Za-z_:][\w.:-]*)\s*=\s*("[^"<&]*"|'[^'<&]*')/.exec(this.x.slice(this.i, this.i + 512));
      if (!match || !/^xmlns(:|$)/.test(match[1] as string)) decline();
      this.i += (match as RegExpExecArray)[0].length;
    }
  }

  private content(name: string): XmlValue {
    const x = this.x;
    // Text between child elements: almost always layout (white space with line breaks), so it is looked at in place
    // and only text with something else in it is kept. What is returned is as if all of it had been joined.
    let text = '';
    let space = false;
    let newline = false;
    let children: XmlObject | undefined;
    for (;;) {
      const lt = x.indexOf('<', this.i);
      if (lt === -1) decline();
      const next = x.charCodeAt(lt + 1);
      if (lt > this.i) {
        if (children === undefined && next === 0x2f /* / */) {
          // A leaf: its text is all of its content.
          text = decodeEntities(x.slice(this.i, lt));
        } else {
          // The regular expressions scan natively: a page's first parse runs before the JIT has compiled this loop.
          SPACE.lastIndex = this.i;
          SPACE.test(x);
          if (SPACE.lastIndex < lt) {
            text += decodeEntities(x.slice(this.i, lt));
          } else {
            space = true;
            // The gap is all white space, so a line break in it is one reached over white space alone.
            LINE_BREAK.lastIndex = this.i;
            if (LINE_BREAK.test(x)) newline = true;
          }
        }
      }
      this.i = lt;
      if (next === 0x2f /* / */) break;
      if (next === 0x21 /* ! */ || next === 0x3f /* ? */) decline();
      const child = this.element(false);
      children ??= {};
      const existing = children[child.name];
      if (existing === undefined) children[child.name] = child.value;
      else if (Array.isArray(existing)) existing.push(child.value);
      else children[child.name] = [existing, child.value];
    }
    // `</name>`: the name, then `>` right after it.
    const end = this.i + 2 + name.length;
    if (x.charCodeAt(end) !== 0x3e || !x.startsWith(name, this.i + 2)) decline();
    this.i = end + 1;
    // The SDK's rule: whitespace-only text that holds a line break is layout, not content.
    const layout = text.trim() === '' && (newline || text.includes('\n'));
    if (children === undefined) return layout ? '' : text;
    if ((text !== '' || space) && !layout) decline(); // mixed content
    return children;
  }

  // Sticky regular expressions rather than loops over characters: they run as native code from the first page on.
  private scanName(): number {
    NAME.lastIndex = this.i;
    NAME.test(this.x);
    return NAME.lastIndex;
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.i;
    SPACE.test(this.x);
    this.i = SPACE.lastIndex;
  }
}

/** A name runs to `>`, `/` or white space; white space is XML's four characters. Both always match (maybe empty). */
const NAME = /[^\t\n\r />]*/y;
const SPACE = /[\t\n\r ]*/y;
const LINE_BREAK = /[\t\r ]*\n/y;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML's five entities and character references; anything else (which the SDK would drop silently) declines. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  const out = s.replace(/&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|([a-zA-Z][a-zA-Z0-9]{0,30}));/g, (_m, hex?: string, dec?: string, named?: string) => {
    if (hex !== undefined || dec !== undefined) {
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec as string, 10);
      // The SDK uses String.fromCharCode, which truncates above U+FFFF: leave such text to it.
      if (code > 0xffff) decline();
      return String.fromCharCode(code);
    }
    return ENTITIES[named as string] ?? decline();
  });
  return out;
}

// Readers of values by the SDK's schema types, mirroring `XmlShapeDeserializer.readSchema` for each.

function str(v: XmlValue | XmlValue[]): string {
  return typeof v === 'string' ? v : decline();
}

/**
 * A time as the SDK reads it (`_parseRfc3339DateTimeWithOffset`). IAM writes whole seconds in UTC
 * (`2026-11-27T08:00:00Z`, a few per user on every page): those are built from their digits directly when every field
 * is in range; anything else (a fraction, an offset, `02-30`, second 60) is left to the SDK.
 */
export function timestamp(v: XmlValue | XmlValue[]): Date {
  const text = str(v);
  if (text.length === 20 && WHOLE_SECONDS_UTC.test(text)) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour <= 23 && minute <= 59 && second <= 59) {
      return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    }
  }
  try {
    return _parseRfc3339DateTimeWithOffset(text) as Date;
  } catch {
    return decline();
  }
}

const WHOLE_SECONDS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** The number written by `length` ASCII digits at `at`. */
function digits(text: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) n = n * 10 + text.charCodeAt(i) - 0x30;
  return n;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function bool(v: XmlValue | XmlValue[]): boolean {
  return str(v).toLowerCase() === 'true';
}

type Reader<T> = (v: XmlValue | XmlValue[]) => T;

/** A structure: each known member read when present (not null), unknown elements ignored, as the SDK does. */
function struct<T extends object>(members: { [K in keyof T]-?: readonly [xmlName: string, read: Reader<T[K]>] }): Reader<Partial<T>> {
  return (v) => {
    if (Array.isArray(v)) decline();
    const out: Partial<T> = {};
    if (typeof v === 'string') return out;
    for (const key of Object.keys(members) as Array<keyof T>) {
      const [xmlName, read] = members[key];
      const raw = (v as XmlObject)[xmlName];
      if (raw !== undefined) out[key] = read(raw);
    }
    return out;
  };
}

/** A list of `<member>` elements; text or an empty element is an empty list. */
function list<T>(item: Reader<T>): Reader<T[]> {
  return (v) => {
    if (Array.isArray(v)) return decline();
    if (typeof v === 'string') return [];
    const source = v.member;
    if (source === undefined) return [];
    return (Array.isArray(source) ? source : [source]).map((m) => item(m));
  };
}

const tag = struct<{ Key: string; Value: string }>({ Key: ['Key', str], Value: ['Value', str] });

const user = struct<{
  Path: string;
  UserName: string;
  UserId: string;
  Arn: string;
  CreateDate: Date;
  PasswordLastUsed: Date;
  PermissionsBoundary: Partial<{ PermissionsBoundaryType: string; PermissionsBoundaryArn: string }>;
  Tags: Array<Partial<{ Key: string; Value: string }>>;
}>({
  Path: ['Path', str],
  UserName: ['UserName', str],
  UserId: ['UserId', str],
  Arn: ['Arn', str],
  CreateDate: ['CreateDate', timestamp],
  PasswordLastUsed: ['PasswordLastUsed', timestamp],
  PermissionsBoundary: ['PermissionsBoundary', struct({ PermissionsBoundaryType: ['PermissionsBoundaryType', str], PermissionsBoundaryArn: ['PermissionsBoundaryArn', str] })],
  Tags: ['Tags', list(tag)],
});

/** The SDK reads a number from text with `Number(text)`. */
function number(v: XmlValue | XmlValue[]): number {
  return Number(str(v));
}

/** A list that must be empty: anything in it (role details, which iampass never asks for) is left to the SDK. */
const emptyList: Reader<never[]> = list<never>(() => decline());

const policyDetail = struct<{ PolicyName: string; PolicyDocument: string }>({ PolicyName: ['PolicyName', str], PolicyDocument: ['PolicyDocument', str] });
const attachedPolicy = struct<{ PolicyName: string; PolicyArn: string }>({ PolicyName: ['PolicyName', str], PolicyArn: ['PolicyArn', str] });

const userDetail = struct<{
  Path: string;
  UserName: string;
  UserId: string;
  Arn: string;
  CreateDate: Date;
  UserPolicyList: object[];
  GroupList: string[];
  AttachedManagedPolicies: object[];
  PermissionsBoundary: Partial<{ PermissionsBoundaryType: string; PermissionsBoundaryArn: string }>;
  Tags: Array<Partial<{ Key: string; Value: string }>>;
}>({
  Path: ['Path', str],
  UserName: ['UserName', str],
  UserId: ['UserId', str],
  Arn: ['Arn', str],
  CreateDate: ['CreateDate', timestamp],
  UserPolicyList: ['UserPolicyList', list(policyDetail)],
  GroupList: ['GroupList', list(str)],
  AttachedManagedPolicies: ['AttachedManagedPolicies', list(attachedPolicy)],
  PermissionsBoundary: ['PermissionsBoundary', struct({ PermissionsBoundaryType: ['PermissionsBoundaryType', str], PermissionsBoundaryArn: ['PermissionsBoundaryArn', str] })],
  Tags: ['Tags', list(tag)],
});

const groupDetail = struct<{ Path: string; GroupName: string; GroupId: string; Arn: string; CreateDate: Date; GroupPolicyList: object[]; AttachedManagedPolicies: object[] }>({
  Path: ['Path', str],
  GroupName: ['GroupName', str],
  GroupId: ['GroupId', str],
  Arn: ['Arn', str],
  CreateDate: ['CreateDate', timestamp],
  GroupPolicyList: ['GroupPolicyList', list(policyDetail)],
  AttachedManagedPolicies: ['AttachedManagedPolicies', list(attachedPolicy)],
});

const policyVersion = struct<{ Document: string; VersionId: string; IsDefaultVersion: boolean; CreateDate: Date }>({
  Document: ['Document', str],
  VersionId: ['VersionId', str],
  IsDefaultVersion: ['IsDefaultVersion', bool],
  CreateDate: ['CreateDate', timestamp],
});

const managedPolicyDetail = struct<{
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  AttachmentCount: number;
  PermissionsBoundaryUsageCount: number;
  IsAttachable: boolean;
  Description: string;
  CreateDate: Date;
  UpdateDate: Date;
  PolicyVersionList: object[];
}>({
  PolicyName: ['PolicyName', str],
  PolicyId: ['PolicyId', str],
  Arn: ['Arn', str],
  Path: ['Path', str],
  DefaultVersionId: ['DefaultVersionId', str],
  AttachmentCount: ['AttachmentCount', number],
  PermissionsBoundaryUsageCount: ['PermissionsBoundaryUsageCount', number],
  IsAttachable: ['IsAttachable', bool],
  Description: ['Description', str],
  CreateDate: ['CreateDate', timestamp],
  UpdateDate: ['UpdateDate', timestamp],
  PolicyVersionList: ['PolicyVersionList', list(policyVersion)],
});

const base64 = (v: XmlValue | XmlValue[]): Uint8Array => {
  try {
    return fromBase64(str(v));
  } catch {
    return decline();
  }
};

/** The output readers, by operation: each reads the `<{Operation}Result>` element's value. */
const OUTPUTS: Readonly<Record<string, Reader<object>>> = {
  GetLoginProfile: struct<{ LoginProfile: object }>({
    LoginProfile: ['LoginProfile', struct({ UserName: ['UserName', str], CreateDate: ['CreateDate', timestamp], PasswordResetRequired: ['PasswordResetRequired', bool] })],
  }),
  ListUsers: struct<{ Users: object[]; IsTruncated: boolean; Marker: string }>({
    Users: ['Users', list(user)],
    IsTruncated: ['IsTruncated', bool],
    Marker: ['Marker', str],
  }),
  ListUserTags: struct<{ Tags: object[]; IsTruncated: boolean; Marker: string }>({
    Tags: ['Tags', list(tag)],
    IsTruncated: ['IsTruncated', bool],
    Marker: ['Marker', str],
  }),
  GetAccountAuthorizationDetails: struct<{ UserDetailList: object[]; GroupDetailList: object[]; RoleDetailList: never[]; Policies: object[]; IsTruncated: boolean; Marker: string }>({
    UserDetailList: ['UserDetailList', list(userDetail)],
    GroupDetailList: ['GroupDetailList', list(groupDetail)],
    RoleDetailList: ['RoleDetailList', emptyList],
    Policies: ['Policies', list(managedPolicyDetail)],
    IsTruncated: ['IsTruncated', bool],
    Marker: ['Marker', str],
  }),
  GetCredentialReport: struct<{ Content: Uint8Array; ReportFormat: string; GeneratedTime: Date }>({
    Content: ['Content', base64],
    ReportFormat: ['ReportFormat', str],
    GeneratedTime: ['GeneratedTime', timestamp],
  }),
};

/** Operations with a fast reader. */
export const FAST_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(OUTPUTS));

/**
 * The SDK's output (without `$metadata`) for a 200 reply to `operation`, or `undefined` to let the SDK read it.
 * The root must be `<{operation}Response>` (the transport has checked this already; it is checked again here so the
 * reader is exact on its own).
 */
export function readOutput(operation: string, body: string): Record<string, unknown> | undefined {
  const read = OUTPUTS[operation];
  if (read === undefined) return undefined;
  const doc = parseSimpleXml(body);
  if (doc === undefined || doc.root !== `${operation}Response`) return undefined;
  try {
    // The SDK's parser turns a root holding only text into that text; nothing here reads such a root.
    if (typeof doc.value === 'string') return undefined;
    const result = doc.value[`${operation}Result`];
    if (result === undefined) return {};
    return read(result) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof Decline) return undefined;
    throw error;
  }
}

/** The code and message of a Query `<ErrorResponse>`, read as the SDK reads them; `undefined` to let the SDK read it. */
export function readError(body: string): { code: string; message: string } | undefined {
  const doc = parseSimpleXml(body);
  if (doc === undefined || doc.root !== 'ErrorResponse' || typeof doc.value === 'string') return undefined;
  // The SDK looks for `Errors` first and a lower-case `message` before `Message`: such replies are left to it.
  if ('Errors' in doc.value || 'message' in doc.value) return undefined;
  const error = doc.value.Error;
  if (error === undefined || typeof error === 'string' || Array.isArray(error) || 'message' in error) return undefined;
  const { Code: code, Message: message } = error;
  if (typeof code !== 'string' || code === '' || Array.isArray(message) || (message !== undefined && typeof message !== 'string')) return undefined;
  return { code, message: message ?? 'Unknown' };
}
