/**
 * Setting a password (a new login profile, or a new password on an existing one) so that every outcome is resolved
 * and no delivered password is ever wrong. IAM has no transactions and a write's reply can be lost after IAM carried
 * the write out, so the protocol is:
 *
 * 1. Record in IAM itself that the user's password is about to change (`PasswordJournal.mark`): should this run
 *    die or lose touch with IAM from here on, the next plan sees the record and sets a known password.
 * 2. Deliver the password (unconfirmed), then send it.
 * 3. On a success, confirm the delivery, record the rotation token, clear the record.
 *    On a definite refusal (a 4xx to the very first attempt of the first write), take the delivery back and clear
 *    the record: IAM still holds what it held.
 *    On anything else (a timeout after sending, a dropped or unreadable reply, a 5xx after retries, or a refusal
 *    after an earlier attempt may already have gone through), nobody knows which password IAM holds: keep the
 *    delivery as unconfirmed, read the profile back, and converge by setting a fresh password (a new generated one,
 *    never the same twice, so reuse prevention is never in the way) on the profile as it now is. Bounded rounds.
 * 4. If it still cannot be known, the action fails with `OutcomeUnknown`; the record stays, so the next plan shows
 *    the user as needing a new password, with the reason.
 */
import { IamError } from '../iam/errors.js';
import type { IamGateway } from '../iam/gateway.js';
import type { PasswordJournal } from '../iam/journal.js';
import { ROTATION_TAG, type ProfileAction } from '../model/plan.js';
import type { DeliveryReceipt, PasswordHandling } from './delivery.js';
import { SecretError, describeSource } from './secrets.js';

export type PasswordAction = Extract<ProfileAction, { kind: 'create-login-profile' | 'update-login-profile' }>;

export interface SetPasswordContext {
  gateway: IamGateway;
  passwords: PasswordHandling | null;
  journal: PasswordJournal;
}

export interface PasswordOutcome {
  status: 'ok' | 'failed';
  code?: string;
  message: string;
}

/** Writes before giving up on knowing which password IAM holds: the first, and two attempts to converge. */
export const MAX_WRITE_ROUNDS = 3;

type WriteResult =
  | { kind: 'ok' }
  | { kind: 'refused'; error: IamError }
  | { kind: 'conflict'; message: string }
  | { kind: 'unknown'; error: IamError };

export async function setPassword(action: PasswordAction, context: SetPasswordContext, done: string): Promise<PasswordOutcome> {
  const source = action.after.password;
  const delivery = action.delivery;
  const { gateway, passwords, journal } = context;
  if (!passwords || !source || !delivery) return { status: 'failed', code: 'NoPasswordDelivery', message: 'no way to obtain or deliver the new password' };

  let password: string;
  try {
    password = await passwords.obtain(source);
  } catch (error) {
    if (error instanceof SecretError) return { status: 'failed', code: 'PasswordUnavailable', message: error.message };
    throw error;
  }
  try {
    await journal.mark(action.user);
  } catch (error) {
    if (!(error instanceof IamError)) throw error;
    return { status: 'failed', code: error.code, message: `could not record that the password is about to change (${error.message}); nothing was sent` };
  }

  let exists = action.kind === 'update-login-profile';
  const reset = action.after.passwordResetRequired;
  let receipt: DeliveryReceipt = await passwords.deliver(action.user, delivery, source, password);
  let lastError: IamError | undefined;
  for (let round = 1; round <= MAX_WRITE_ROUNDS; round++) {
    const result = await write(gateway, action.user, exists, password, reset, round);
    if (result.kind === 'ok') {
      await receipt.confirm();
      return finish(action, context, `${done}${round > 1 ? ' (after IAM\'s answer was lost, a new password was set and confirmed)' : ''}; password: ${receipt.location}`);
    }
    if (result.kind === 'refused' || result.kind === 'conflict') {
      await receipt.discard();
      await journal.clear(action.user).catch(() => {}); // nothing was set: at worst the next plan sets a known password
      return result.kind === 'conflict' ? { status: 'failed', code: 'EntityAlreadyExists', message: result.message } : refusal(result.error, source);
    }
    lastError = result.error;
    await receipt.keepUnconfirmed();
    // Find out what IAM has now, then converge on a password that is known.
    try {
      exists = (await gateway.getLoginProfile(action.user)) !== null;
    } catch (error) {
      if (!(error instanceof IamError)) throw error;
      lastError = error;
      break;
    }
    if (round === MAX_WRITE_ROUNDS) break;
    if (source.kind === 'generate') password = await passwords.obtain(source);
    receipt = await passwords.deliver(action.user, delivery, source, password);
  }
  await receipt.keepUnconfirmed();
  return {
    status: 'failed',
    code: 'OutcomeUnknown',
    message:
      `IAM may or may not have set the new password (${lastError ? `${lastError.code}: ${lastError.message}` : 'no answer'}): ` +
      `${receipt.location} is kept unconfirmed; the next plan sets a known password`,
  };
}

/** One write; the classification of its outcome is the heart of the protocol (see the module comment). */
async function write(gateway: IamGateway, user: string, exists: boolean, password: string, reset: boolean, round: number): Promise<WriteResult> {
  try {
    if (exists) await gateway.updateLoginProfile(user, { password, passwordResetRequired: reset });
    else await gateway.createLoginProfile(user, password, reset);
    return { kind: 'ok' };
  } catch (error) {
    if (!(error instanceof IamError)) throw error;
    const first = round === 1 && error.attempts === 1;
    if (error.code === 'EntityAlreadyExists' && first) {
      const now = await gateway.getLoginProfile(user).catch(() => null);
      return {
        kind: 'conflict',
        message: now
          ? `a login profile was created outside this apply (at ${now.createDate}); it was left unchanged. Run plan again`
          : 'IAM reported an existing login profile that could not be read back; run plan again',
      };
    }
    return first && isClientError(error) ? { kind: 'refused', error } : { kind: 'unknown', error };
  }
}

/** A 4xx is IAM saying no to that request: it was not carried out. */
function isClientError(error: IamError): boolean {
  return error.httpStatus !== undefined && error.httpStatus >= 400 && error.httpStatus < 500;
}

function refusal(error: IamError, source: NonNullable<PasswordAction['after']['password']>): PasswordOutcome {
  if (error.code === 'PasswordPolicyViolation') {
    return {
      status: 'failed',
      code: error.code,
      message: `IAM refused the new password (${describeSource(source)}): it does not meet the account password policy in force`,
    };
  }
  return { status: 'failed', code: error.code, message: error.message };
}

/** The password is set and known: record the rotation token, then clear the journal. */
async function finish(action: PasswordAction, context: SetPasswordContext, message: string): Promise<PasswordOutcome> {
  const token = action.kind === 'create-login-profile' ? action.after.rotation : action.rotation?.to;
  try {
    if (token != null) await context.gateway.tagUser(action.user, ROTATION_TAG, token);
  } catch (error) {
    if (!(error instanceof IamError)) throw error;
    return {
      status: 'failed',
      code: error.code,
      message: `${message}; but recording rotation token "${token}" failed (${error.message}), so the next plan rotates again`,
    };
  }
  try {
    await context.journal.clear(action.user);
  } catch (error) {
    if (!(error instanceof IamError)) throw error;
    return {
      status: 'failed',
      code: error.code,
      message: `${message}; but clearing the record of the change failed (${error.message}), so the next plan sets another password`,
    };
  }
  return { status: 'ok', message };
}
