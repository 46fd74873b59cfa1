/** Read-only views of the account: the credential report and the policy simulator. */
import { credentialReportCsv } from '../credentialReport.js';
import { IamError } from '../errors.js';
import { Validation } from '../protocol/query.js';
import { memberList, type XmlElement } from '../protocol/xml.js';
import { simulate } from '../permissions.js';
import { isoSeconds } from '../state.js';
import type { Operation } from './common.js';

/** IAM generates a new report at most every 4 hours, and a report older than that has expired. */
const REPORT_LIFETIME_MS = 4 * 60 * 60 * 1000;

/**
 * Answers STARTED when it generates a report, and COMPLETE while the last one is under 4 hours old. Generation
 * is immediate, so GetCredentialReport works straight after STARTED; clients that wait for COMPLETE (as AWS
 * advises) see it on their next call.
 */
export const GenerateCredentialReport: Operation = {
  mutates: true,
  // It changes only what the sandbox keeps (the report), not the account's IAM: no CloudTrail write event.
  recorded: false,
  run({ account, now }) {
    const report = account.data.credentialReport;
    if (report && now.getTime() - Date.parse(report.generatedTime) < REPORT_LIFETIME_MS) return [['State', 'COMPLETE']];
    account.data.credentialReport = { generatedTime: isoSeconds(now), csv: credentialReportCsv(account) };
    return [['State', 'STARTED'], ['Description', 'No report exists. Starting a new report generation task']];
  },
};

export const GetCredentialReport: Operation = {
  mutates: false,
  run({ account, now }) {
    const report = account.data.credentialReport;
    if (!report) {
      throw new IamError('ReportNotPresent', 'Credential report does not exist. Use GenerateCredentialReport to generate a report.');
    }
    if (now.getTime() - Date.parse(report.generatedTime) >= REPORT_LIFETIME_MS) {
      throw new IamError('ReportExpired', 'The credential report has expired. Use GenerateCredentialReport to generate a new report.');
    }
    return [
      ['Content', Buffer.from(report.csv, 'utf8').toString('base64')],
      ['ReportFormat', 'text/csv'],
      ['GeneratedTime', report.generatedTime],
    ];
  },
};

const USER_ARN = /^arn:aws:iam::(\d{12}):user(?:\/|\/[\u0021-\u007E]*\/)([\w+=,.@-]+)$/;

/**
 * Answers from the user's policies as the sandbox models them (see `permissions.ts`), with the context a simulation
 * has: who the user is and the user's tags; other context keys are missing, as without ContextEntries. One result
 * per action and resource (`*` when no ResourceArns are given), as IAM answers.
 */
export const SimulatePrincipalPolicy: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const source = v.string('PolicySourceArn', { required: true, min: 20, max: 2048 });
    const actions = v.list('ActionNames', true).map((action, index) => v.member(`ActionNames.${index + 1}.member`, action, { min: 3, max: 128 }));
    const resources = v.list('ResourceArns') ?? ['*'];
    v.done();
    const match = USER_ARN.exec(source);
    if (!match || match[1] !== account.id) throw new IamError('InvalidInput', `Invalid ARN: ${source} is not a user of account ${account.id}.`);
    const user = account.requireUser(match[2]!);
    const results = actions.flatMap((action) =>
      resources.map((resource): XmlElement[] => {
        const answer = simulate(account, user, action, resource);
        return [
          ['EvalActionName', action],
          ['EvalResourceName', resource],
          ['EvalDecision', answer.decision],
          memberList('MatchedStatements', answer.matched.map((m) => [['SourcePolicyId', m.id], ['SourcePolicyType', m.type]])),
          ['MissingContextValues', answer.missing.map((key): XmlElement => ['member', key])],
        ];
      }),
    );
    return [memberList('EvaluationResults', results), ['IsTruncated', false]];
  },
};
