import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import type { Key } from 'ink';
import { keyPresses } from '../../src/ui/keys.js';
import { plainText, wrapLine } from '../../src/ui/lines.js';
import { detailLines, layoutPlan, scrollTop, warningLines, warningsNotice } from '../../src/ui/plan-layout.js';
import { CIS_POLICY, desiredState, liveState } from '../support/builders.js';
import { manyCreatesPlan, mixedPlan, warnedPlan } from './support.js';

const noKey: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false,
  end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false,
  meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

describe('key presses', () => {
  it('splits a chunk of typed keys into one press per key, enter included', () => {
    expect(keyPresses('yes\r', noKey)).toEqual([
      { kind: 'char', char: 'y' },
      { kind: 'char', char: 'e' },
      { kind: 'char', char: 's' },
      { kind: 'enter' },
    ]);
  });

  it('reads ctrl-c as an interrupt and ignores other control and meta keys', () => {
    expect(keyPresses('c', { ...noKey, ctrl: true })).toEqual([{ kind: 'interrupt' }]);
    expect(keyPresses('x', { ...noKey, ctrl: true })).toEqual([]);
    expect(keyPresses('j', { ...noKey, meta: true })).toEqual([]);
  });
});

describe('the plan layout', () => {
  it('groups actions as policy, enable, change, disable, whatever the execution order', () => {
    const layout = layoutPlan(mixedPlan(), '');
    expect(layout.actions.map((a) => a.kind)).toEqual([
      'update-password-policy',
      'create-login-profile',
      'update-login-profile',
      'delete-login-profile',
      'delete-login-profile',
    ]);
    for (const [i, row] of layout.actionRows.entries()) expect(layout.rows[row]).toMatchObject({ kind: 'action', ordinal: i });
  });

  it('keeps the selected row inside the window, moving as little as possible', () => {
    const layout = layoutPlan(manyCreatesPlan(50), '');
    // Row 0 is the heading; action i is on row i + 1.
    expect(scrollTop(0, layout, 0, 5)).toBe(0);
    expect(scrollTop(0, layout, 3, 5)).toBe(0);
    expect(scrollTop(0, layout, 4, 5)).toBe(1);
    expect(scrollTop(10, layout, 12, 5)).toBe(10);
    expect(scrollTop(10, layout, 5, 5)).toBe(6);
    expect(scrollTop(10, layout, 0, 5)).toBe(0);
    expect(scrollTop(0, layout, 49, 5)).toBe(46);
  });

  it('details a policy deletion as the AWS default taking over, every custom field removed', () => {
    const plan = diff(desiredState({ passwordPolicy: { kind: 'aws-default' } }), liveState({ passwordPolicy: CIS_POLICY }));
    const lines = detailLines(plan.actions[0]!).map(plainText);
    expect(lines[0]).toBe('- password policy: delete the custom password policy (the AWS default applies)');
    expect(lines).toContain('  before: custom policy');
    expect(lines).toContain('  after:  AWS default (no custom policy)');
    expect(lines).toContain('  -  minimumLength: 14');
    expect(lines.filter((l) => l.startsWith('  +'))).toEqual([]);
  });
});

describe('the warnings pane', () => {
  it('paints an id yellow while it still fails the gate, and an acknowledged one plain', () => {
    const lines = warningLines(warnedPlan());
    const idSegment = (id: string) => lines.flat().find((segment) => segment.text === id);
    expect(idSegment('IP101')).toMatchObject({ tone: 'warn', bold: true });
    expect(idSegment('IP103')?.tone).toBeUndefined();
    expect(lines.map(plainText)).toEqual([
      'Warnings (2, 1 acknowledged):',
      '  IP101 carol keeps 1 active access key after console access is removed',
      "        fix: deactivate carol's access keys too",
      '  IP103 erin keeps console access without an MFA device (CIS 1.10)',
      '        acknowledged: hardware key on order',
      '',
      'Advisories used the credential report generated 2026-11-27 10:00 UTC, 12 minutes before this plan.',
    ]);
  });

  it('has no notice line when there is nothing to warn about', () => {
    expect(warningsNotice(mixedPlan(), true)).toBeNull();
    expect(warningsNotice(warnedPlan(), false)?.map((s) => s.text).join('')).toBe('Warnings (2, 1 acknowledged)');
  });
});

describe('wrapping a line to the width', () => {
  const words = 'fix: assign an MFA device to erin and require MFA for console sign-in';
  it.each([
    { name: 'leaves a line that fits alone', line: [{ text: 'short' }], width: 10, indent: 2, expected: ['short'] },
    {
      name: 'breaks between words, continuation indented',
      line: [{ text: words }],
      width: 30,
      indent: 4,
      expected: ['fix: assign an MFA device to', '    erin and require MFA for', '    console sign-in'],
    },
    {
      name: 'splits a word longer than the room',
      line: [{ text: 'arn:aws:iam::123456789012:user/a-very-long-name' }],
      width: 20,
      indent: 2,
      expected: ['arn:aws:iam::1234567', '  89012:user/a-very-', '  long-name'],
    },
    { name: 'keeps leading spaces of the first line', line: [{ text: '        fix: a b c' }], width: 14, indent: 10, expected: ['        fix: a', '          b c'] },
  ])('$name', ({ line, width, indent, expected }) => {
    expect(wrapLine(line, width, indent).map(plainText)).toEqual(expected);
  });

  it('keeps each word in the style of its segment', () => {
    const wrapped = wrapLine([{ text: '  ' }, { text: 'IP103', tone: 'warn', bold: true }, { text: ' erin keeps console access' }], 16, 8);
    expect(wrapped).toEqual([
      [{ text: '  ' }, { text: 'IP103', tone: 'warn', bold: true }, { text: ' erin' }],
      [{ text: '        keeps' }],
      [{ text: '        console' }],
      [{ text: '        access' }],
    ]);
  });

  it.each([12, 20, 33, 60])('never exceeds %i columns and loses no character', (width) => {
    const text = `${words} ${'x'.repeat(45)} and more`;
    const wrapped = wrapLine([{ text }], width, 6).map(plainText);
    for (const l of wrapped) expect(l.length).toBeLessThanOrEqual(width);
    const squeeze = (t: string) => t.replace(/\s+/g, '');
    expect(squeeze(wrapped.join(''))).toBe(squeeze(text));
  });
});
