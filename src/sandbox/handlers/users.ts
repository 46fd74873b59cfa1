/** Users, their tags, access keys and MFA devices. */
import { IamError } from '../errors.js';
import { ACCESS_KEY_ID_LENGTH, awsId, secretAccessKey, USER_ID_LENGTH } from '../identifiers.js';
import { PATH, PATH_PREFIX, TAG_KEY, USER_NAME } from '../names.js';
import { Validation } from '../protocol/query.js';
import { memberList, type XmlElement } from '../protocol/xml.js';
import { compareNames, isoSeconds, QUOTAS, type AccessKeyData, type UserData } from '../state.js';
import { EXISTING_USER_NAME, page, readPaging, readTags, tagElements, userElements, userNameOrCaller, type Operation } from './common.js';

const ACCESS_KEY_ID = { min: 16, max: 128, pattern: /^\w+$/, patternText: '[\\w]+' };
const MFA_SERIAL = { min: 9, max: 256, pattern: /^[\w+=/:,.@-]+$/, patternText: '[\\w+=/:,.@-]+' };

export const ListUsers: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const prefix = v.string('PathPrefix', PATH_PREFIX) ?? '/';
    const paging = readPaging(v, params);
    v.done();
    const matching = account.users.filter((user) => user.path.startsWith(prefix));
    const result = page(matching, paging, (user) => user.name);
    return [memberList('Users', result.items.map((user) => userElements(account, user, false))), ...result.tail];
  },
};

export const GetUser: Operation = {
  mutates: false,
  run({ account, caller, params }) {
    const v = new Validation(params);
    const name = userNameOrCaller(v, caller);
    v.done();
    return [['User', userElements(account, account.requireUser(name), true)]];
  },
};

export const CreateUser: Operation = {
  mutates: true,
  run({ account, params, now }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...USER_NAME, required: true });
    const path = v.string('Path', PATH) ?? '/';
    const tags = readTags(v, false) ?? [];
    v.done();
    if (params.string('PermissionsBoundary') !== undefined) {
      throw new IamError('InvalidInput', 'The iampass sandbox does not support permissions boundaries.');
    }
    const existing = account.findUser(name);
    if (existing) throw new IamError('EntityAlreadyExists', `User with name ${existing.name} already exists.`);
    if (account.users.length >= QUOTAS.usersPerAccount) {
      throw new IamError('LimitExceeded', `Cannot exceed quota for UsersPerAccount: ${QUOTAS.usersPerAccount}`);
    }
    const user: UserData = {
      name,
      path,
      id: awsId('AIDA', USER_ID_LENGTH),
      createDate: isoSeconds(now),
      tags,
      loginProfile: null,
      passwordLastUsed: null,
      mfaDevices: [],
      attachedPolicies: [],
      inlinePolicies: [],
      permissionsBoundary: null,
      accessKeys: [],
    };
    account.addUser(user);
    return [['User', userElements(account, user, true)]];
  },
};

export const DeleteUser: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    v.done();
    const user = account.requireUser(name);
    if (user.loginProfile) throw new IamError('DeleteConflict', 'Cannot delete entity, must delete login profile first.');
    if (user.accessKeys.length > 0) throw new IamError('DeleteConflict', 'Cannot delete entity, must delete access keys first.');
    if (user.mfaDevices.length > 0) throw new IamError('DeleteConflict', 'Cannot delete entity, must delete MFA device first.');
    if (account.groupsOf(user).length > 0) throw new IamError('DeleteConflict', 'Cannot delete entity, must remove users from group first.');
    if (user.attachedPolicies.length > 0) throw new IamError('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
    if (user.inlinePolicies.length > 0) throw new IamError('DeleteConflict', 'Cannot delete entity, must delete policies first.');
    account.removeUser(user);
    return undefined;
  },
};

export const ListUserTags: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const paging = readPaging(v, params);
    v.done();
    const tags = [...account.requireUser(name).tags].sort((a, b) => compareNames(a.key, b.key));
    const result = page(tags, paging, (tag) => tag.key);
    return [['Tags', tagElements(result.items)], ...result.tail];
  },
};

export const TagUser: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const tags = readTags(v, true) ?? [];
    v.done();
    const user = account.requireUser(name);
    // Keys are case-insensitive for users: tagging "Team" over "team" replaces it.
    const merged = [...user.tags];
    for (const tag of tags) {
      const index = merged.findIndex((existing) => existing.key.toLowerCase() === tag.key.toLowerCase());
      if (index >= 0) merged[index] = tag;
      else merged.push(tag);
    }
    if (merged.length > QUOTAS.tagsPerUser) {
      throw new IamError('LimitExceeded', `The number of tags has reached the maximum limit of ${QUOTAS.tagsPerUser}.`);
    }
    user.tags = merged;
    return undefined;
  },
};

export const UntagUser: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const keys = v.list('TagKeys', true).map((key, index) => v.member(`TagKeys.${index + 1}.member`, key, TAG_KEY));
    v.done();
    const user = account.requireUser(name);
    const removed = new Set(keys.map((key) => key.toLowerCase()));
    user.tags = user.tags.filter((tag) => !removed.has(tag.key.toLowerCase()));
    return undefined;
  },
};

export const ListAccessKeys: Operation = {
  mutates: false,
  run({ account, caller, params }) {
    const v = new Validation(params);
    const name = userNameOrCaller(v, caller);
    const paging = readPaging(v, params);
    v.done();
    const user = account.requireUser(name);
    const keys = [...user.accessKeys].sort((a, b) => compareNames(a.id, b.id));
    const result = page(keys, paging, (key) => key.id);
    const members = result.items.map((key): XmlElement[] => [
      ['UserName', user.name],
      ['AccessKeyId', key.id],
      ['Status', key.status],
      ['CreateDate', key.createDate],
    ]);
    return [memberList('AccessKeyMetadata', members), ...result.tail];
  },
};

export const CreateAccessKey: Operation = {
  mutates: true,
  run({ account, caller, params, now }) {
    const v = new Validation(params);
    const name = userNameOrCaller(v, caller);
    v.done();
    const user = account.requireUser(name);
    if (user.accessKeys.length >= QUOTAS.accessKeysPerUser) {
      throw new IamError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${QUOTAS.accessKeysPerUser}`);
    }
    const key: AccessKeyData = { id: awsId('AKIA', ACCESS_KEY_ID_LENGTH), status: 'Active', createDate: isoSeconds(now) };
    account.addAccessKey(user, key);
    return [['AccessKey', [
      ['UserName', user.name],
      ['AccessKeyId', key.id],
      ['Status', key.status],
      ['SecretAccessKey', secretAccessKey()],
      ['CreateDate', key.createDate],
    ]]];
  },
};

export const UpdateAccessKey: Operation = {
  mutates: true,
  run({ account, caller, params }) {
    const v = new Validation(params);
    const name = userNameOrCaller(v, caller);
    const id = v.string('AccessKeyId', { ...ACCESS_KEY_ID, required: true });
    const status = v.string('Status', { required: true, oneOf: ['Active', 'Inactive'] });
    v.done();
    findAccessKey(account.requireUser(name), id).status = status as AccessKeyData['status'];
    return undefined;
  },
};

export const DeleteAccessKey: Operation = {
  mutates: true,
  run({ account, caller, params }) {
    const v = new Validation(params);
    const name = userNameOrCaller(v, caller);
    const id = v.string('AccessKeyId', { ...ACCESS_KEY_ID, required: true });
    v.done();
    const user = account.requireUser(name);
    account.removeAccessKey(user, findAccessKey(user, id));
    return undefined;
  },
};

export const ListMFADevices: Operation = {
  mutates: false,
  run({ account, caller, params }) {
    const v = new Validation(params);
    const name = userNameOrCaller(v, caller);
    const paging = readPaging(v, params);
    v.done();
    const user = account.requireUser(name);
    const devices = [...user.mfaDevices].sort((a, b) => compareNames(a.serialNumber, b.serialNumber));
    const result = page(devices, paging, (device) => device.serialNumber);
    const members = result.items.map((device): XmlElement[] => [
      ['UserName', user.name],
      ['SerialNumber', device.serialNumber],
      ['EnableDate', device.enableDate],
    ]);
    return [memberList('MFADevices', members), ...result.tail];
  },
};

/** Detaches the device from the user (the sandbox's MFA devices are virtual and go with it). */
export const DeactivateMFADevice: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const serial = v.string('SerialNumber', { ...MFA_SERIAL, required: true });
    v.done();
    const user = account.requireUser(name);
    const device = user.mfaDevices.find((candidate) => candidate.serialNumber === serial);
    if (!device) throw new IamError('NoSuchEntity', `MFA Device with serial number ${serial} does not exist.`);
    user.mfaDevices = user.mfaDevices.filter((other) => other !== device);
    return undefined;
  },
};

function findAccessKey(user: UserData, id: string): AccessKeyData {
  const key = user.accessKeys.find((candidate) => candidate.id === id);
  if (!key) throw new IamError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
  return key;
}
