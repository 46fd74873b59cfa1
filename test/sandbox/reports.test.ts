import {
  CreateLoginProfileCommand,
  CredentialReportNotPresentException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  InvalidInputException,
  NoSuchEntityException,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SEED, failure, sandboxWith } from './helpers.js';

const COLUMNS =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

function parseReport(content: Uint8Array | undefined): Record<string, string>[] {
  const [header, ...rows] = Buffer.from(content ?? new Uint8Array()).toString('utf8').split('\n');
  const columns = header!.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [columns[i]!, value])));
}

describe('credential report', () => {
  it('answers 410 ReportNotPresent before any report was generated', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const error = await failure(iam.send(new GetCredentialReportCommand({})));
    expect(error).toBeInstanceOf(CredentialReportNotPresentException);
    expect(error.$metadata.httpStatusCode).toBe(410);
  });

  it('answers STARTED, then COMPLETE on a later call', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
  });

  it('has exactly IAM\'s columns, a root row and one row per user', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    await iam.send(new GenerateCredentialReportCommand({}));
    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toBeInstanceOf(Date);
    const text = Buffer.from(report.Content!).toString('utf8');
    expect(text.split('\n')[0]).toBe(COLUMNS);
    const rows = parseReport(report.Content);
    expect(rows.map((row) => row.user)).toEqual(['<root_account>', 'admin', 'alice', 'bob', 'breakglass', 'carol', 'ci-deploy', 'dave', 'erin', 'frank']);
    const byUser = Object.fromEntries(rows.map((row) => [row.user, row]));
    expect(byUser['<root_account>']?.arn).toBe('arn:aws:iam::123456789012:root');
    expect(byUser.alice).toMatchObject({
      arn: 'arn:aws:iam::123456789012:user/staff/alice',
      user_creation_time: '2025-01-10T09:00:00+00:00',
      password_enabled: 'true',
      password_last_used: '2026-11-25T08:00:00+00:00',
      password_last_changed: '2025-01-10T09:05:00+00:00',
      password_next_rotation: 'N/A',
      mfa_active: 'true',
      access_key_1_active: 'true',
      access_key_1_last_rotated: '2025-01-10T09:10:00+00:00',
      access_key_2_active: 'false',
      access_key_2_last_rotated: 'N/A',
      cert_1_active: 'false',
    });
    expect(byUser.bob).toMatchObject({ password_enabled: 'true', password_last_used: 'no_information', mfa_active: 'false' });
    expect(byUser.carol).toMatchObject({ password_enabled: 'false', password_last_used: 'N/A', password_last_changed: 'N/A' });
    expect(byUser.frank).toMatchObject({ access_key_1_active: 'false', access_key_1_last_rotated: '2025-05-20T08:20:00+00:00' });
  });

  it('is a snapshot: changes after generation show up only in a newer report', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    await iam.send(new GenerateCredentialReportCommand({}));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: 'Welcome-2026' }));
    await iam.send(new GenerateCredentialReportCommand({}));
    const rows = parseReport((await iam.send(new GetCredentialReportCommand({}))).Content);
    expect(rows.find((row) => row.user === 'carol')?.password_enabled).toBe('false');
  });
});

describe('SimulatePrincipalPolicy', () => {
  const arn = (path: string, name: string) => `arn:aws:iam::123456789012:user${path}${name}`;

  it('allows what IAMUserChangePassword allows to users who can change their password, and implicitly denies the rest', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const alice = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn('/staff/', 'alice'),
      ActionNames: ['iam:ChangePassword', 'iam:GetAccountPasswordPolicy', 's3:GetObject'],
    }));
    expect(alice.EvaluationResults?.map((result) => [result.EvalActionName, result.EvalResourceName, result.EvalDecision])).toEqual([
      ['iam:ChangePassword', '*', 'allowed'],
      ['iam:GetAccountPasswordPolicy', '*', 'allowed'],
      ['s3:GetObject', '*', 'implicitDeny'],
    ]);
    expect(alice.IsTruncated).toBe(false);

    const bob = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn('/staff/', 'bob'), ActionNames: ['iam:ChangePassword'] }));
    expect(bob.EvaluationResults?.[0]?.EvalDecision).toBe('implicitDeny');
  });

  it('allows ChangePassword only on the user themselves when resources are given', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const result = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn('/staff/', 'alice'),
      ActionNames: ['iam:ChangePassword'],
      ResourceArns: [arn('/staff/', 'alice'), arn('/staff/', 'bob')],
    }));
    expect(result.EvaluationResults?.map((r) => r.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
  });

  it('answers NoSuchEntity for an unknown user and InvalidInput for a foreign ARN', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const unknown = await failure(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn('/', 'zoe'), ActionNames: ['iam:ChangePassword'] })));
    expect(unknown).toBeInstanceOf(NoSuchEntityException);
    const foreign = await failure(iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: 'arn:aws:iam::999999999999:user/alice',
      ActionNames: ['iam:ChangePassword'],
    })));
    expect(foreign).toBeInstanceOf(InvalidInputException);
  });
});
