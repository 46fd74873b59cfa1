/**
 * The operations each API version answers, by action name; any other action is `InvalidAction`, as with IAM.
 * Each handler module exports exactly its operations, named after their actions.
 */
import type { Operation } from './common.js';
import * as groups from './groups.js';
import * as passwords from './passwords.js';
import * as permissions from './permissions.js';
import * as reports from './reports.js';
import * as sts from './sts.js';
import * as users from './users.js';

export const IAM_VERSION = '2010-05-08';
export const STS_VERSION = '2011-06-15';

export const OPERATIONS: ReadonlyMap<string, ReadonlyMap<string, Operation>> = new Map([
  [IAM_VERSION, new Map(Object.entries({ ...users, ...passwords, ...reports, ...groups, ...permissions }))],
  [STS_VERSION, new Map(Object.entries(sts))],
]);
