/**
 * Response rendering for the awsQuery protocol: `<{Action}Response>` wrapping `<{Action}Result>` and
 * `<ResponseMetadata>`, or `<ErrorResponse>`. The SDK's deserializer looks elements up by name, so names here
 * are IAM's own (checked against the schemas in @aws-sdk/client-iam).
 */
import type { IamError } from '../errors.js';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Leaf text, or an ordered list of child elements; `undefined` leaves the element out (an absent optional field). */
export type XmlValue = string | number | boolean | readonly XmlElement[] | undefined;
export type XmlElement = readonly [name: string, value: XmlValue];

/** An AWS list: `<Name><member>..</member>...</Name>`; an empty list renders as `<Name/>`. */
export function memberList(name: string, items: readonly (readonly XmlElement[])[]): XmlElement {
  return [name, items.map((children): XmlElement => ['member', children])];
}

export function renderResponse(namespace: string, action: string, result: readonly XmlElement[] | undefined, requestId: string): string {
  const children: XmlElement[] = [];
  if (result !== undefined) children.push([`${action}Result`, result]);
  children.push(['ResponseMetadata', [['RequestId', requestId]]]);
  return document(`${action}Response`, namespace, children);
}

export function renderError(namespace: string, error: IamError, requestId: string): string {
  return document('ErrorResponse', namespace, [
    ['Error', [['Type', error.type], ['Code', error.code], ['Message', error.message]]],
    ['RequestId', requestId],
  ]);
}

function document(root: string, namespace: string, children: readonly XmlElement[]): string {
  const body = children.map((child) => renderElement(child, '  ')).join('');
  return `<${root} xmlns="${namespace}">\n${body}</${root}>\n`;
}

function renderElement([name, value]: XmlElement, indent: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'object') return `${indent}<${name}>${escapeText(String(value))}</${name}>\n`;
  const inner = value.map((child) => renderElement(child, `${indent}  `)).join('');
  return inner === '' ? `${indent}<${name}/>\n` : `${indent}<${name}>\n${inner}${indent}</${name}>\n`;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/** CR is written as a character reference because XML parsers (the SDK's included) normalise a literal CR away. */
function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => ENTITIES[c]!);
}
