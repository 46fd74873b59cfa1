/**
 * Commander's classes, from its CommonJS build through `require` (see util/cjs.ts: loading it as an ES module import
 * costs every command, `validate` and `--help` included, more start-up CPU). Its types come from the package as usual.
 */
import type * as Commander from '@commander-js/extra-typings';
import { requireCjs } from '../util/cjs.js';

export const { Argument, Command, InvalidArgumentError, Option } = requireCjs('@commander-js/extra-typings') as typeof Commander;
