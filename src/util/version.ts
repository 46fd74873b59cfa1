/**
 * iampass's own version, read once from its package.json (two levels up from this module in both `src/util` and
 * `dist/util`), so `--version`, the SDK user agent and the reports never disagree with what was installed.
 */
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The product token iampass adds to every AWS call's user agent, by which CloudTrail shows its own writes. */
export const USER_AGENT_NAME = 'iampass';
