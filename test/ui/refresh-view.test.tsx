import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReadProgress } from '../../src/iam/read.js';
import type { CallStats } from '../../src/iam/retry.js';
import { RefreshView } from '../../src/ui/RefreshView.js';
import { text } from './support.js';

afterEach(cleanup);

describe('the refresh view', () => {
  it('shows users read and in scope, profiles read of total, calls, throttled retries and elapsed time', () => {
    const progress: ReadProgress = { phase: 'profiles', usersListed: 120, usersInScope: 40, profilesRead: 12, profilesToRead: 40 };
    const stats: CallStats = { calls: 57, retries: 4, throttled: 3 };
    const ink = render(<RefreshView poll={() => ({ progress, stats })} color={false} clock={() => 0} />);
    expect(text(ink.lastFrame())).toBe(
      'Reading IAM 0.0s · users 120 read, 40 in scope · profiles 12/40 · 57 calls, 3 throttled retries',
    );
  });

  it('moves on its own during a slow read by polling the getter', async () => {
    const progress: ReadProgress = { phase: 'users', usersListed: 0, usersInScope: 0, profilesRead: 0, profilesToRead: 0 };
    const stats: CallStats = { calls: 1, retries: 0, throttled: 0 };
    let now = 1_000;
    const ink = render(<RefreshView poll={() => ({ progress, stats })} color={false} clock={() => now} intervalMs={20} />);
    expect(text(ink.lastFrame())).toBe('Reading IAM 0.0s · users 0 read, 0 in scope · profiles 0/0 · 1 call, 0 throttled retries');
    // The reader mutates its counters; nothing re-renders the view but its own poll.
    progress.usersListed = 250;
    progress.usersInScope = 80;
    stats.calls = 3;
    stats.throttled = 1;
    now = 2_700;
    await vi.waitFor(() =>
      expect(text(ink.lastFrame())).toBe('Reading IAM 1.7s · users 250 read, 80 in scope · profiles 0/0 · 3 calls, 1 throttled retry'),
    );
  });
});
