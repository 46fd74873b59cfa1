import { stripVTControlCharacters } from 'node:util';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import { organizationDocument, type OrganizationAccountEntry, type OrganizationDocument } from '../../src/plan/organization-report.js';
import type { PlanDocument } from '../../src/plan/document.js';
import { AccountListView, reduceAccountList } from '../../src/ui/AccountListView.js';
import { browseOrganization } from '../../src/ui/run.js';
import { desiredState, documentOf, liveState, liveUser, profile } from '../support/builders.js';
import { cursorLine, fakeUi, KEY, keysReady, resize, text } from './support.js';

afterEach(cleanup);

const CONFIG = { file: 'org.yaml', sha256: 'a'.repeat(64) };

/** The plan of one account: alice to enable in `changes`, nothing to do otherwise. */
function accountPlan(account: string, changes: boolean): PlanDocument {
  const live = liveState({ account, callerArn: `arn:aws:sts::${account}:assumed-role/R/iampass`, users: [liveUser('alice', changes ? null : profile(false))] });
  return documentOf(diff(desiredState({ account, users: [{ name: 'alice' }] }), live), CONFIG, live);
}

/** Three accounts: 222… with a change, 333… unreachable (its role refused), 444… in sync. */
function organization(): OrganizationDocument<'plan'> {
  const entries: Array<OrganizationAccountEntry<PlanDocument>> = [
    { account: '222222222222', name: 'prod-web', status: 'changes', roleArn: 'arn:aws:iam::222222222222:role/R', problem: null, report: accountPlan('222222222222', true) },
    {
      account: '333333333333',
      name: 'staging',
      status: 'unreachable',
      roleArn: null,
      problem: { message: 'AssumeRole of arn:aws:iam::333333333333:role/R failed: AccessDenied\nmore detail', fix: 'let the caller assume the role', code: 'AccessDenied' },
      report: null,
    },
    { account: '444444444444', name: 'sandbox', status: 'in-sync', roleArn: 'arn:aws:iam::444444444444:role/R', problem: null, report: accountPlan('444444444444', false) },
  ];
  return organizationDocument(
    'plan',
    {
      organization: { id: 'o-abcdefghij', managementAccount: '111111111111' },
      callerArn: 'arn:aws:iam::111111111111:user/admin',
      checkedAt: '2026-12-01T12:00:00.000Z',
      config: CONFIG,
      files: [CONFIG],
      targets: {
        targets: [
          { id: '222222222222', name: 'prod-web' },
          { id: '333333333333', name: 'staging' },
          { id: '444444444444', name: 'sandbox' },
        ],
        resolved: ['222222222222', '333333333333', '444444444444'],
        skipped: [],
        narrowedTo: [],
        shard: null,
      },
      failureTolerance: 0,
    },
    entries,
  );
}

describe('the account list of an organization plan', () => {
  it.each<[string, number, Parameters<typeof reduceAccountList>[1], number, 'open' | 'quit' | undefined]>([
    ['down moves one account', 2, { kind: 'down' }, 3, undefined],
    ['j moves one account', 2, { kind: 'char', char: 'j' }, 3, undefined],
    ['up stops at the first account', 0, { kind: 'up' }, 0, undefined],
    ['G goes to the last account', 2, { kind: 'char', char: 'G' }, 9, undefined],
    ['g goes to the first account', 6, { kind: 'char', char: 'g' }, 0, undefined],
    ['page down moves a page', 2, { kind: 'page-down' }, 7, undefined],
    ['page down stops at the last account', 8, { kind: 'page-down' }, 9, undefined],
    ['enter opens the account under the cursor', 2, { kind: 'enter' }, 2, 'open'],
    ['q quits', 2, { kind: 'char', char: 'q' }, 2, 'quit'],
    ['ctrl-c quits', 2, { kind: 'interrupt' }, 2, 'quit'],
  ])('%s (10 accounts, pages of 5)', (_name, from, press, cursor, choice) => {
    const step = reduceAccountList({ cursor: from, top: 0 }, press, 10, 5);
    expect(step.state.cursor).toBe(cursor);
    expect(step.choice).toBe(choice);
  });

  it('opens on every account with its status, the cursor on the first, and one summary line', () => {
    const view = render(<AccountListView doc={organization()} cursor={0} color={false} onChoose={() => {}} />);
    const frame = text(view.lastFrame());
    for (const account of ['222222222222', '333333333333', '444444444444']) expect(frame).toContain(account);
    expect(cursorLine(view.lastFrame())).toContain('222222222222');
    expect(frame).toContain('account 1 of 3');
    expect(frame).toMatch(/1 with changes/);
  });

  it("shows why an unreachable account has no plan, with its fix, when the cursor is on it", async () => {
    const onChoose = vi.fn();
    const view = render(<AccountListView doc={organization()} cursor={0} color={false} onChoose={onChoose} />);
    await keysReady(view.stdin);
    view.stdin.write('j');
    await vi.waitFor(() => expect(cursorLine(view.lastFrame())).toContain('333333333333'));
    const frame = text(view.lastFrame());
    expect(frame).toContain('unreachable: AssumeRole of arn:aws:iam::333333333333:role/R failed: AccessDenied');
    expect(frame).not.toContain('more detail');
    expect(frame).toContain('fix: let the caller assume the role');
    expect(frame).toContain('enter open (no plan: see above)');
  });

  it('wraps the summary and an account\'s reason at 60 columns instead of cutting them', async () => {
    const view = render(<AccountListView doc={organization()} cursor={1} color={false} onChoose={() => {}} />);
    resize(view.stdout, { rows: 30, columns: 60 });
    await vi.waitFor(() => expect(text(view.lastFrame()).split('\n').every((l) => l.length <= 60)).toBe(true));
    const frame = text(view.lastFrame());
    // Only the table's rows, wider than 60 columns, are cut; every other line wraps.
    expect(frame.split('\n').filter((l) => l.includes('…'))).toEqual(frame.split('\n').filter((l) => /^[ >] +(ACCOUNT|\d{12})/.test(l)));
    const joined = frame.replace(/\s*\n\s*/g, ' ');
    expect(joined).toContain('unreachable: AssumeRole of arn:aws:iam::333333333333:role/R failed: AccessDenied');
    expect(joined).toContain('fix: let the caller assume the role');
    expect(joined).toContain('keys: up/down j/k move · enter open (no plan: see above) · g/G first/last · q quit');
    expect(joined).toMatch(/3 accounts: 1 in sync, 1 with changes, 0 errors, 1 unreachable.*Plan: 1 to add, 0 to change, 0 to destroy\./);
  });

  it('chooses the account under the cursor with enter, and nothing with q', async () => {
    const onChoose = vi.fn();
    const view = render(<AccountListView doc={organization()} cursor={0} color={false} onChoose={onChoose} />);
    await keysReady(view.stdin);
    view.stdin.write(KEY.down);
    view.stdin.write(KEY.down);
    await vi.waitFor(() => expect(cursorLine(view.lastFrame())).toContain('444444444444'));
    view.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(onChoose).toHaveBeenCalledWith(2));
    cleanup();
    const quit = vi.fn();
    const again = render(<AccountListView doc={organization()} cursor={1} color={false} onChoose={quit} />);
    await keysReady(again.stdin);
    again.stdin.write('q');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledWith(null));
  });
});

describe('browsing an organization plan', () => {
  it("drills into an account's plan and comes back to the list on q, where the cursor stayed", async () => {
    const { stdout, stdin, opts } = fakeUi();
    let finished = false;
    const browsing = browseOrganization(organization(), '/work', opts).then(() => {
      finished = true;
    });
    const shown = () => stripVTControlCharacters(stdout.output);
    await vi.waitFor(() => expect(stdin.listenerCount('readable')).toBeGreaterThan(0));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(shown()).toContain('Account 222222222222'));
    await vi.waitFor(() => expect(shown()).toContain('+ alice'));
    await vi.waitFor(() => expect(stdin.listenerCount('readable')).toBeGreaterThan(0));
    const before = shown().length;
    stdin.write('q');
    await vi.waitFor(() => expect(shown().slice(before)).toContain('account 1 of 3'));
    expect(finished).toBe(false);
    await vi.waitFor(() => expect(stdin.listenerCount('readable')).toBeGreaterThan(0));
    stdin.write('q');
    await browsing;
    expect(finished).toBe(true);
  });
});
