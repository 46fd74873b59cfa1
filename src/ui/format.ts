/** Small text pieces shared by the live views. */
import type { ReadProgress } from '../iam/read.js';
import type { CallStats } from '../iam/retry.js';

/** `4.2s` under a minute, `3m07s` after. */
export function formatElapsed(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  const total = Math.floor(safe / 1000);
  return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
}

/** A text progress bar: `[#####.....] 5/10`. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

/**
 * The one progress line shown while live IAM is read. Elapsed time comes first and the rarer counters last, so
 * a narrow terminal cuts what matters least.
 */
export function refreshLine(progress: ReadProgress, stats: CallStats, elapsedMs: number): string {
  return [
    `Reading IAM ${formatElapsed(elapsedMs)}`,
    `users ${progress.usersListed} read, ${progress.usersInScope} in scope`,
    progress.phase === 'facts' ? 'checking advisories' : `profiles ${progress.profilesRead}/${progress.profilesToRead}`,
    `${stats.calls} call${stats.calls === 1 ? '' : 's'}, ${stats.throttled} throttled retr${stats.throttled === 1 ? 'y' : 'ies'}`,
  ].join(' · ');
}

/** The approval question, worded as the plain prompt asks it. */
export function approvalQuestion(changes: number, destructive: number, account: string): string {
  return `Apply ${changes} change${changes === 1 ? '' : 's'} to account ${account}?${
    destructive > 0 ? ` (${destructive} destructive)` : ''
  }`;
}
