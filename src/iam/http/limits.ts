/**
 * The deadlines and size limits every AWS call made through the transport lives under. The defaults are chosen
 * so that a healthy endpoint never meets them and a broken one costs about a minute, not forever.
 */

/**
 * Deadlines of one attempt, in milliseconds. Each phase has its own, and the attempt as a whole has one more, so
 * a reply that trickles in one byte at a time (which resets any idle timer) still ends.
 */
export interface Deadlines {
  /** DNS, TCP and TLS together, from the moment a socket is assigned until it is ready to send. */
  connectMs: number;
  /** From the request being handed to a connected socket until the reply's headers are complete. */
  firstByteMs: number;
  /** The longest silence allowed between two chunks of the reply body. */
  chunkMs: number;
  /** The whole attempt: connect, send, headers and body. */
  attemptMs: number;
}

/**
 * IAM answers in well under a second; its slowest calls (SimulatePrincipalPolicy, a page of 1,000 users) in a few.
 * 10 s covers a slow DNS resolver plus a TLS handshake across the world; 20 s to the first byte is ten times
 * IAM's slowest observed answer; 10 s of silence inside a body never happens on a live connection. 30 s for a
 * whole attempt bounds a trickle.
 */
export const DEFAULT_DEADLINES: Deadlines = {
  connectMs: 10_000,
  firstByteMs: 20_000,
  chunkMs: 10_000,
  attemptMs: 30_000,
};

/** Deadlines that differ by operation (merged over the defaults). */
export const OPERATION_DEADLINES: Readonly<Record<string, Partial<Deadlines>>> = {
  // A few MB of base64 for 5,000 users: give a slow link a minute.
  GetCredentialReport: { attemptMs: 60_000 },
};

/**
 * The most time one call may take across all its attempts and the pauses between them: three attempts that each
 * wait out the 20 s first-byte deadline fit (a silent endpoint is reported after about a minute, each attempt with
 * its full deadline), and so do the ten attempts of a call throttled all along. A call that needs more (IAM's
 * eventual consistency is retried for up to two minutes) asks for it explicitly.
 */
export const DEFAULT_CALL_BUDGET_MS = 75_000;

/**
 * Reply size limits in bytes: the transport stops reading and drops the connection beyond them, so memory stays
 * bounded whatever an endpoint sends. The default is about 100 times the largest per-user reply IAM sends
 * (a login profile, a page of 50 tags, one simulation); a page of 1,000 users with the longest paths and ARNs IAM
 * allows is about 2 MB; the credential report of 5,000 users with the longest ARNs is about 9 MB of base64.
 */
export interface ReplyLimits {
  defaultBytes: number;
  byOperation: Readonly<Record<string, number>>;
}

const MiB = 1024 * 1024;

export const DEFAULT_REPLY_LIMITS: ReplyLimits = {
  defaultBytes: 1 * MiB,
  byOperation: {
    ListUsers: 8 * MiB,
    GetAccountAuthorizationDetails: 16 * MiB,
    GetCredentialReport: 32 * MiB,
  },
};

/** `1048576` -> `1 MiB`, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** `20000` -> `20 s`, `1500` -> `1.5 s`, `250` -> `250 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}
