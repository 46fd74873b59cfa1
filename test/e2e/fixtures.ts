/** Shared by the GitOps end-to-end suites: one account, the file that governs it, and what counts as a write. */
import type { AccountSpec } from './harness.js';

/** Staff on the platform team, one on another team, the admin; bob has a pending reset, carol no password. */
export const ACCOUNT: AccountSpec = {
  policy: { MinimumPasswordLength: 8, RequireNumbers: true },
  users: [
    { name: 'admin', console: { passwordResetRequired: false } },
    { name: 'alice', path: '/staff/', tags: { team: 'platform' }, console: { passwordResetRequired: false } },
    { name: 'bob', path: '/staff/', tags: { team: 'platform' }, console: { passwordResetRequired: true } },
    { name: 'breakglass', path: '/staff/', tags: { team: 'platform' }, console: { passwordResetRequired: false } },
    { name: 'carol', path: '/staff/', tags: { team: 'platform' } },
    { name: 'dave', path: '/staff/', tags: { team: 'platform' }, console: { passwordResetRequired: false } },
    { name: 'erin', path: '/staff/', tags: { team: 'data' }, console: { passwordResetRequired: false } },
  ],
};

export const CONFIG = `version: 1
account: "123456789012"
passwordPolicy:
  minimumLength: 14
  requireUppercase: true
  requireLowercase: true
  requireNumbers: true
  requireSymbols: true
  allowUsersToChangePassword: true
scope:
  pathPrefix: /staff/
  tags: { team: platform }
  unlisted: disable
  protected: [breakglass]
users:
  alice: { console: true }
  bob: { console: false }
  carol: { console: true }
`;

/** Calls that change IAM, as the sandbox logs them. */
export const WRITE = / (Create|Update|Delete|Put|Tag|Untag|Attach|Detach|Add|Remove|Enable|Deactivate)\w* user=/;
