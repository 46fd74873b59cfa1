/**
 * The AWS SDK's runtime, loaded with `require`. The SDK ships CommonJS; imported from ES modules, Node first runs
 * its export scanner over each entry file (about a megabyte of source for IAM, STS and @smithy/core): measured at
 * 320 ms of CPU against 120 ms through `require`, paid by every command that talks to AWS. Types still come from
 * `import type`, so nothing else changes for the code that uses them.
 */
import { createRequire } from 'node:module';
import type * as IamSdk from '@aws-sdk/client-iam';
import type * as StsSdk from '@aws-sdk/client-sts';
import type * as Protocols from '@smithy/core/protocols';
import type * as Serde from '@smithy/core/serde';
import type * as SmithyTransport from '@smithy/core/transport';

const require = createRequire(import.meta.url);

export const iam = require('@aws-sdk/client-iam') as typeof IamSdk;
export const sts = require('@aws-sdk/client-sts') as typeof StsSdk;
export const protocols = require('@smithy/core/protocols') as typeof Protocols;
export const serde = require('@smithy/core/serde') as typeof Serde;
export const smithyTransport = require('@smithy/core/transport') as typeof SmithyTransport;
