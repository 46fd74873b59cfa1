/**
 * The status report in text, JSON and HTML, and drift attribution in every drift format: what a reader sees, held
 * to the schemas, with caller-chosen strings (user agents, session names) escaped wherever markup could run.
 */
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../src/render/ansi.js';
import { DRIFT_RENDERERS, STATUS_RENDERERS } from '../../src/render/formats.js';
import { escapeHtml, renderHtmlDrift, renderHtmlStatus } from '../../src/render/html.js';
import { driftDocument } from '../../src/render/json.js';
import { attributedDrift, HOSTILE_AGENT, HOSTILE_SESSION, statusReport } from '../support/reports.js';
import { schemaErrors } from '../support/schemas.js';

/** Every element the pages are built from: anything else in the output came from data and was not escaped. */
const PAGE_TAGS = ['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'p', 'section', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'span', 'code', 'ul', 'li', 'b', 'footer'];

describe('the status report', () => {
  it('prints a text table with the account and how current the facts are first, then the summary and the costs', () => {
    const text = STATUS_RENDERERS.text(statusReport(), PLAIN);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Account 123456789012 (as arn:aws:iam::123456789012:user/admin)');
    expect(lines[3]).toBe('Password policy in force: a custom policy; passwords expire 90 days after they are set.');
    expect(lines[4]).toBe('Credential report generated 2026-12-01 11:00 UTC (60 minutes old; IAM makes one at most every 4 hours).');
    expect(lines.slice(6, 10)).toEqual([
      'USER   CONSOLE  CREATED     RESET  LAST SIGN-IN  PASSWORD AGE  EXPIRES               MFA  KEYS  ROTATION',
      'alice  yes      2026-10-02  no     2026-11-30    60 d          2026-12-31            yes  1     2026-Q3 (file: 2026-Q4)',
      'bob    yes      2026-01-01  yes    never         334 d         2026-04-01 (expired)  no   1     -',
      'carol  no       -           -      2026-11-30    -             -                     yes  0     -',
    ]);
    expect(text).toContain('3 governed users: 2 with console access, 1 reset pending, 1 without MFA, 1 expired, 2 with active access keys.\n4 users out of scope.\n');
    expect(text).toContain('What each column cost (9 IAM calls in all):\n  USER: 2 calls; GetCallerIdentity, ListUsers');
  });

  it('writes JSON that its schema accepts, keys in the schema\'s order, the same bytes every time', () => {
    const text = STATUS_RENDERERS.json(statusReport(), PLAIN);
    const doc = JSON.parse(text);
    expect(schemaErrors('status', doc)).toEqual([]);
    expect(Object.keys(doc)).toEqual(['formatVersion', 'kind', 'mode', 'account', 'callerArn', 'config', 'checkedAt', 'passwordPolicy', 'credentialReport', 'summary', 'users', 'unlistedIgnoredCount', 'outOfScopeCount', 'cost']);
    expect(Object.keys(doc.users[0])).toEqual(['user', 'arn', 'path', 'desired', 'console', 'profileCreated', 'resetPending', 'lastSignIn', 'passwordLastChanged', 'passwordAgeDays', 'passwordExpires', 'expired', 'mfa', 'activeAccessKeys', 'rotation', 'unknown']);
    expect(STATUS_RENDERERS.json(statusReport(), PLAIN)).toBe(text);
  });

  it('is refused by its schema when a field is wrong, so the test above can fail', () => {
    const doc = JSON.parse(STATUS_RENDERERS.json(statusReport(), PLAIN));
    doc.users[0].passwordExpires = 'soon';
    expect(schemaErrors('status', doc).length).toBeGreaterThan(0);
  });

  it('renders one self-contained HTML page: inline style only, no script, no outside reference', () => {
    const html = renderHtmlStatus(statusReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">');
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|@import|url\(/i);
    expect(html).toContain('<p class="headline">3 governed users: 2 with console access, 1 reset pending, 1 without MFA, 1 expired, 2 with active access keys.</p>');
    expect(html.match(/<tr id="user-/g)).toHaveLength(3);
    expect(html).toContain('@media print');
  });
});

describe('drift attribution in every format', () => {
  it('text: who, with the event, when, from where and with what client, under each item', () => {
    const text = DRIFT_RENDERERS.text(attributedDrift(), PLAIN);
    expect(text).toContain(
      '  + user:bob:console\n      live IAM:  no console password (a password was last used 2026-11-01T00:00:00.000Z)\n      the file:  a console password (console: true)\n      changed:   ',
    );
    expect(text).toContain(
      `      changed:   arn:aws:iam::123456789012:user/mallory (DeleteLoginProfile, key AKIAMALLORY) at 2026-11-30T08:00:00.000Z from 203.0.113.7, ${HOSTILE_AGENT}\n`,
    );
    expect(text).toContain(
      `      changed:   iampass 0.1.0, as role arn:aws:iam::123456789012:role/Admin (UpdateAccountPasswordPolicy, session ${HOSTILE_SESSION}, source identity alice, key ASIAEXAMPLE) at 2026-11-29T08:00:00.000Z from 198.51.100.4, aws-sdk-js/3.1169.0 iampass/0.1.0\n`,
    );
    expect(text).toContain('      changed:   unknown: no DeleteLoginProfile call for user carol in CloudTrail since 2026-09-02T12:00:00.000Z\n');
    expect(text).toContain('Attributed 2 of 3 drifted items from CloudTrail (2 LookupEvents calls, events since 2026-09-02).');
  });

  it('JSON: an optional attribution per item and for the report, accepted by the drift schema', () => {
    const doc = driftDocument(attributedDrift());
    expect(schemaErrors('drift', doc)).toEqual([]);
    const bob = doc.items.find((i) => i.address === 'user:bob:console');
    expect(Object.keys(bob?.attribution ?? {})).toEqual(['status', 'eventName', 'eventTime', 'eventId', 'actor', 'sourceIp', 'userAgent', 'iampass']);
    expect(doc.attribution).toEqual({ calls: 2, since: '2026-09-02T12:00:00.000Z', note: 'Attributed 2 of 3 drifted items from CloudTrail (2 LookupEvents calls, events since 2026-09-02).' });
  });

  it('markdown: inside the diff block, where nothing renders as markup', () => {
    const md = DRIFT_RENDERERS.markdown(attributedDrift(), PLAIN);
    const block = md.slice(md.indexOf('```diff'), md.lastIndexOf('```'));
    expect(block).toContain(`    changed:   arn:aws:iam::123456789012:user/mallory (DeleteLoginProfile, key AKIAMALLORY) at 2026-11-30T08:00:00.000Z from 203.0.113.7, ${HOSTILE_AGENT}`);
    expect(md).toContain('_Attributed 2 of 3 drifted items');
  });

  it('the webhook\'s Slack text: who changed each item, with Slack\'s markup characters escaped', () => {
    const { text } = driftDocument(attributedDrift());
    expect(text).toContain('• `user:bob:console`: live IAM has no console password (a password was last used 2026-11-01T00:00:00.000Z); the file wants a console password (console: true); changed by arn:aws:iam::123456789012:user/mallory');
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;');
  });

  it('HTML: a row per item with who, when and from where, every caller-chosen string escaped', () => {
    const html = renderHtmlDrift(attributedDrift());
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => (m[1] as string).toLowerCase()));
    expect([...tags].filter((t) => !PAGE_TAGS.includes(t))).toEqual([]);
    expect(html).toContain(escapeHtml(HOSTILE_AGENT));
    expect(html).toContain(escapeHtml(HOSTILE_SESSION));
    expect(html.match(/<tr><td class="sym/g)).toHaveLength(3);
    expect(html).toContain('<p class="headline">Drift: 3 items in live IAM differ from iampass.yaml.</p>');
  });

  it('escapes the five markup characters and removes control characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>\u001b[31m\u0000`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;\uFFFD[31m\uFFFD');
  });
});
