/** STS: only GetCallerIdentity, which tools call to learn the account and who they are. */
import type { Operation } from './common.js';

export const GetCallerIdentity: Operation = {
  mutates: false,
  run({ account }) {
    const caller = account.requireUser(account.data.caller);
    return [
      ['Arn', account.userArn(caller)],
      ['UserId', caller.id],
      ['Account', account.id],
    ];
  },
};
