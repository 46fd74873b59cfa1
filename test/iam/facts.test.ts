import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsGateway } from '../../src/iam/aws.js';
import { CredentialReportFormatError, csvParseRows, parseCredentialReport, unquotedRows } from '../../src/iam/credential-report.js';
import { readAccountFacts, readCredentialReport, type FactsOptions } from '../../src/iam/facts.js';
import { Caller } from '../../src/iam/retry.js';
import { diff } from '../../src/plan/diff.js';
import type { CredentialReport } from '../../src/model/facts.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';
import { ENDPOINT, expectCall, replyError, replyOk } from '../support/iam-nock.js';

const fastRetries = { maxAttempts: 3, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2 };

function gateway() {
  const caller = new Caller({ policy: fastRetries });
  return { caller, gateway: createAwsGateway({ endpointUrl: ENDPOINT, region: 'us-east-1', concurrency: 4 }, caller) };
}

/** A clock that only moves when the reader sleeps, and the pauses it asked for. */
function fakeTime(): Required<Pick<FactsOptions, 'sleep' | 'clock'>> & { pauses: number[] } {
  let now = 0;
  const pauses: number[] = [];
  return {
    pauses,
    clock: () => now,
    sleep: async (ms) => {
      pauses.push(ms);
      now += ms;
    },
  };
}

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

/** As IAM writes it: the root row first, N/A and no_information placeholders, `+00:00` times. */
const CSV = [
  HEADER,
  '<root_account>,arn:aws:iam::123456789012:root,2024-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'alice,arn:aws:iam::123456789012:user/staff/alice,2025-01-10T09:00:00+00:00,true,2026-11-25T08:00:00+00:00,2025-01-10T09:05:00+00:00,N/A,true,true,2025-01-10T09:10:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'bob,arn:aws:iam::123456789012:user/staff/bob,2026-11-20T16:00:00+00:00,true,no_information,2026-11-20T16:02:00+00:00,2027-02-18T16:02:00+00:00,false,true,2026-11-20T16:05:00+00:00,N/A,N/A,N/A,true,2026-11-21T10:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A',
  'ci-deploy,arn:aws:iam::123456789012:user/service/ci-deploy,2024-09-09T12:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-09-09T12:05:00+00:00,2026-11-26T23:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
].join('\n');

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const generate = (state: string) => replyOk(expectCall('GenerateCredentialReport'), 'GenerateCredentialReport', `<State>${state}</State>`);
const getReport = (csv = CSV) =>
  replyOk(
    expectCall('GetCredentialReport'),
    'GetCredentialReport',
    `<Content>${base64(csv)}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-27T10:00:00Z</GeneratedTime>`,
  );
const simulate = (arn: string, decision: string) =>
  replyOk(
    expectCall('SimulatePrincipalPolicy', { PolicySourceArn: arn, 'ActionNames.member.1': 'iam:ChangePassword', 'ResourceArns.member.1': arn }),
    'SimulatePrincipalPolicy',
    `<EvaluationResults><member><EvalActionName>iam:ChangePassword</EvalActionName><EvalResourceName>${arn}</EvalResourceName><EvalDecision>${decision}</EvalDecision><MatchedStatements/><MissingContextValues/></member></EvaluationResults><IsTruncated>false</IsTruncated>`,
  );

function report(r: Awaited<ReturnType<typeof readCredentialReport>>): CredentialReport {
  if ('unknown' in r) throw new Error(`expected a report, got: ${r.unknown}`);
  return r;
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('the credential report, through the SDK', () => {
  it('asks for a report, polls the report itself while IAM makes it, then reads and parses the base64 CSV', async () => {
    generate('STARTED');
    replyError(expectCall('GetCredentialReport'), 404, 'ReportInProgress', 'Report generation in progress.');
    getReport();
    const time = fakeTime();
    const { gateway: gw, caller } = gateway();
    const r = report(await readCredentialReport(gw, { concurrency: 1, ...time }));
    expect(time.pauses).toEqual([250, 500]);
    // Each poll could be the read that succeeds: three calls, where polling GenerateCredentialReport took four.
    expect(caller.stats.calls).toBe(3);
    expect(r.generatedTime).toBe('2026-11-27T10:00:00.000Z');
    expect([...r.users.keys()]).toEqual(['alice', 'bob', 'ci-deploy']);
    expect(r.users.get('alice')).toEqual({
      user: 'alice',
      arn: 'arn:aws:iam::123456789012:user/staff/alice',
      userCreationTime: '2025-01-10T09:00:00.000Z',
      passwordEnabled: true,
      passwordLastUsed: '2026-11-25T08:00:00.000Z',
      passwordLastChanged: '2025-01-10T09:05:00.000Z',
      passwordNextRotation: null,
      mfaActive: true,
      activeAccessKeys: 1,
    });
    expect(r.users.get('bob')).toMatchObject({ passwordLastUsed: null, mfaActive: false, activeAccessKeys: 2, passwordNextRotation: '2027-02-18T16:02:00.000Z' });
    expect(r.users.get('ci-deploy')).toMatchObject({ passwordEnabled: false, passwordLastUsed: null, passwordLastChanged: null, activeAccessKeys: 1 });
  });

  it('reads at once when a report under 4 hours old exists (COMPLETE): two calls', async () => {
    generate('COMPLETE');
    getReport();
    const { gateway: gw, caller } = gateway();
    const time = fakeTime();
    report(await readCredentialReport(gw, { concurrency: 1, ...time }));
    expect(time.pauses).toEqual([]);
    expect(caller.stats.calls).toBe(2);
  });

  it('waits and asks again when GetCredentialReport answers ReportInProgress, and has it made anew when it expired in between', async () => {
    generate('COMPLETE');
    replyError(expectCall('GetCredentialReport'), 404, 'ReportInProgress', 'Report generation in progress.');
    replyError(expectCall('GetCredentialReport'), 410, 'ReportExpired', 'The credential report has expired.');
    generate('STARTED');
    getReport();
    const time = fakeTime();
    const r = report(await readCredentialReport(gateway().gateway, { concurrency: 1, ...time }));
    expect(r.users.size).toBe(3);
    expect(time.pauses).toEqual([250, 500, 1000]);
  });

  it('gives up after the bounded wait, as unknown rather than an error', async () => {
    generate('STARTED');
    nock(ENDPOINT)
      .post('/', (b: Record<string, string>) => b.Action === 'GetCredentialReport')
      .times(7)
      .reply(404, `<ErrorResponse><Error><Type>Sender</Type><Code>ReportInProgress</Code><Message>Report generation in progress.</Message></Error><RequestId>r</RequestId></ErrorResponse>`, { 'content-type': 'text/xml' });
    const time = fakeTime();
    const r = await readCredentialReport(gateway().gateway, { concurrency: 1, reportWaitMs: 10_000, ...time });
    expect(r).toEqual({ unknown: 'IAM did not finish generating it within 10 s' });
    expect(time.pauses).toEqual([250, 500, 1000, 2000, 2000, 2000, 2000]);
    expect(time.pauses.reduce((a, b) => a + b)).toBeLessThanOrEqual(10_000);
  });

  it('turns a refusal into unknown with the call and the AWS error (the plan warns, it does not fail)', async () => {
    replyError(expectCall('GenerateCredentialReport'), 403, 'AccessDenied', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:GenerateCredentialReport');
    const r = await readCredentialReport(gateway().gateway, { concurrency: 1, ...fakeTime() });
    expect(r).toEqual({
      unknown: 'GenerateCredentialReport: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:GenerateCredentialReport (answered by https://iam.nock.test)',
    });
  });

  it('reports ReportNotPresent that outlasts the wait as unknown too', async () => {
    generate('COMPLETE');
    replyError(expectCall('GetCredentialReport'), 410, 'ReportNotPresent', 'Credential report does not exist.');
    generate('COMPLETE');
    replyError(expectCall('GetCredentialReport'), 410, 'ReportNotPresent', 'Credential report does not exist.');
    const r = await readCredentialReport(gateway().gateway, { concurrency: 1, reportWaitMs: 300, ...fakeTime() });
    expect(r).toEqual({ unknown: 'IAM did not finish generating it within 0.3 s' });
  });

  it('retries throttling on the report calls like any other call', async () => {
    replyError(expectCall('GenerateCredentialReport'), 400, 'Throttling', 'Rate exceeded');
    generate('COMPLETE');
    getReport();
    const { gateway: gw, caller } = gateway();
    report(await readCredentialReport(gw, { concurrency: 1, ...fakeTime() }));
    expect(caller.stats).toMatchObject({ calls: 3, throttled: 1 });
  });

  it('calls a report it cannot read unknown, naming what is missing', async () => {
    generate('COMPLETE');
    getReport('user,arn\nalice,arn:aws:iam::123456789012:user/alice\n');
    const r = await readCredentialReport(gateway().gateway, { concurrency: 1, ...fakeTime() });
    expect(r).toEqual({
      unknown:
        'the report has no user_creation_time, password_enabled, password_last_used, password_last_changed, password_next_rotation, mfa_active, access_key_1_active, access_key_2_active columns',
    });
  });
});

describe('parseCredentialReport', () => {
  it('reads quoted fields, a byte order mark and CRLF line ends', () => {
    const csv = `\uFEFF${CSV.replace('arn:aws:iam::123456789012:user/staff/alice', '"arn:aws:iam::123456789012:user/staff/alice"').split('\n').join('\r\n')}\r\n`;
    const r = parseCredentialReport(csv, '2026-11-27T10:00:00.000Z');
    expect(r.users.get('alice')?.arn).toBe('arn:aws:iam::123456789012:user/staff/alice');
    expect(r.users.has('<root_account>')).toBe(false);
  });
  it('reads every field by its column, wherever the header puts it', () => {
    const [head, ...rows] = CSV.trim().split('\n');
    // The same report with its first two columns swapped, row by row.
    const swap = (line: string) => {
      const f = line.split(',');
      return [f[1], f[0], ...f.slice(2)].join(',');
    };
    const swapped = [swap(head as string), ...rows.map(swap)].join('\n');
    expect(parseCredentialReport(swapped, 'x').users).toEqual(parseCredentialReport(CSV, 'x').users);
  });

  it.each([
    { name: 'a row with a field missing', edit: (csv: string) => csv.replace(/,N\/A\nbob/, '\nbob'), message: /line 3 of the report has 21 fields where the header names 22/ },
    {
      name: 'a row with a field missing, in a report with a quoted field (read by csv-parse)',
      edit: (csv: string) => csv.replace(/,N\/A\nbob/, '\nbob').replace('arn:aws:iam::123456789012:user/staff/bob', '"arn:aws:iam::123456789012:user/staff/bob"'),
      message: /the report is not valid CSV \(Invalid Record Length/,
    },
    { name: 'every row a field short of the header', edit: (csv: string) => csv.replace(/,N\/A$/gm, (m, at: number) => (at < csv.indexOf('\n') ? m : '')), message: /line 2 of the report has 21 fields where the header names 22/ },
    { name: 'an unclosed quote', edit: (csv: string) => csv.replace('arn:aws:iam::123456789012:user/staff/alice', '"arn:aws:iam'), message: /the report is not valid CSV/ },
  ])('refuses $name, naming it', ({ edit, message }) => {
    expect(() => parseCredentialReport(edit(CSV), 'x')).toThrow(message);
  });
});

describe('the credential report without quotes, read line by line: exactly what csv-parse reads', () => {
  const rows = (csv: string, read: typeof csvParseRows): Array<[number, string[]]> | string => {
    try {
      // As parseCredentialReport's own: a row must have the header's number of fields.
      return read(csv, (raw, line) => {
        if (raw.length !== 22) throw new CredentialReportFormatError(`line ${line}`);
        return [line, raw] as [number, string[]];
      }) as Array<[number, string[]]>;
    } catch (error) {
      return (error as Error).name;
    }
  };
  const many = [HEADER, ...Array.from({ length: 300 }, (_, i) => `user-${i},arn:aws:iam::123456789012:user/u${i},${i % 3 === 0 ? 'N/A' : '2026-01-01T00:00:00+00:00'}${',x'.repeat(19)}`)].join('\n');
  it.each([
    { name: 'the report as IAM writes it', csv: CSV },
    { name: 'a trailing line break', csv: `${CSV}\n` },
    { name: 'empty lines between and after rows', csv: CSV.replace('\nbob', '\n\n\nbob') + '\n\n' },
    { name: 'a byte order mark', csv: `\uFEFF${CSV}` },
    { name: 'the header alone', csv: HEADER },
    { name: 'the header and a line break', csv: `${HEADER}\n` },
    { name: 'empty fields and a line of commas', csv: `${CSV}\n${','.repeat(21)}` },
    { name: 'fields with spaces, tabs and non-ASCII', csv: CSV.replace('alice,', ' alice\t,').replace('bob,', 'bøb ,') },
    { name: 'rows with fewer fields than the header', csv: `${CSV}\na,b\nc,d,e` },
    { name: 'a row with more fields than the header', csv: `${CSV},extra` },
    { name: '300 rows', csv: many },
  ])('$name', ({ csv }) => {
    const direct = rows(csv, (text, onRecord) => unquotedRows(text, onRecord) ?? expect.unreachable('the line reader declined a report without quotes'));
    const library = rows(csv, csvParseRows);
    expect(direct).toEqual(library);
  });

  it.each([
    { name: 'a quoted field', csv: CSV.replace('alice,', '"alice",') },
    { name: 'a quote inside a field', csv: CSV.replace(',N/A\nbob', ',"N/A""x"\nbob') },
    { name: 'CRLF line ends', csv: CSV.split('\n').join('\r\n') },
    { name: 'CR line ends', csv: CSV.split('\n').join('\r') },
  ])('leaves $name to csv-parse', ({ csv }) => {
    expect(unquotedRows(csv, (raw) => raw)).toBeUndefined();
    expect(csvParseRows(csv, (raw) => raw).length).toBeGreaterThan(0);
  });
});

describe('readAccountFacts: at most one extra call per governed user', () => {
  const strict = { ...CIS_POLICY, allowUsersToChangePassword: false };
  const desired = desiredState({
    passwordPolicy: { kind: 'custom', policy: strict },
    users: [{ name: 'alice' }, { name: 'bob', console: false }, { name: 'carol' }, { name: 'dan' }],
  });
  const arn = (name: string) => `arn:aws:iam::123456789012:user/${name}`;
  const live = liveState({
    passwordPolicy: strict,
    users: [liveUser('alice', profile()), liveUser('bob', profile()), liveUser('carol', null), liveUser('dan', null)],
  });
  const plan = diff(desired, live);

  it('reads the report once and simulates iam:ChangePassword only for users forced to reset', async () => {
    generate('COMPLETE');
    getReport();
    simulate(arn('carol'), 'implicitDeny');
    simulate(arn('dan'), 'allowed');
    const { gateway: gw, caller } = gateway();
    const facts = await readAccountFacts(gw, desired, live, plan, { concurrency: 2, ...fakeTime() });
    expect([...facts.changePassword]).toEqual([
      ['carol', 'denied'],
      ['dan', 'allowed'],
    ]);
    expect(facts.activeAccessKeys.size).toBe(0);
    expect(caller.stats.calls).toBe(4);
  });

  it('records a simulation it was refused as unknown', async () => {
    generate('COMPLETE');
    getReport();
    simulate(arn('carol'), 'allowed');
    replyError(expectCall('SimulatePrincipalPolicy', { PolicySourceArn: arn('dan') }), 403, 'AccessDenied', 'not authorized to perform: iam:SimulatePrincipalPolicy');
    const facts = await readAccountFacts(gateway().gateway, desired, live, plan, { concurrency: 1, ...fakeTime() });
    expect(facts.changePassword.get('dan')).toEqual({ unknown: 'SimulatePrincipalPolicy: AccessDenied: not authorized to perform: iam:SimulatePrincipalPolicy (answered by https://iam.nock.test)' });
  });

  it('without the report, lists the access keys of users losing console access instead', async () => {
    replyError(expectCall('GenerateCredentialReport'), 403, 'AccessDenied', 'denied');
    simulate(arn('carol'), 'allowed');
    simulate(arn('dan'), 'allowed');
    replyOk(
      expectCall('ListAccessKeys', { UserName: 'bob' }),
      'ListAccessKeys',
      '<AccessKeyMetadata><member><UserName>bob</UserName><AccessKeyId>AKIABOB1</AccessKeyId><Status>Active</Status><CreateDate>2026-01-01T00:00:00Z</CreateDate></member>' +
        '<member><UserName>bob</UserName><AccessKeyId>AKIABOB2</AccessKeyId><Status>Inactive</Status><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>',
    );
    const { gateway: gw, caller } = gateway();
    const facts = await readAccountFacts(gw, desired, live, plan, { concurrency: 3, ...fakeTime() });
    expect(facts.credentialReport).toEqual({ unknown: 'GenerateCredentialReport: AccessDenied: denied (answered by https://iam.nock.test)' });
    expect([...facts.activeAccessKeys]).toEqual([['bob', 1]]);
    expect(caller.stats.calls).toBe(4);
  });

  it('makes no call at all when nobody is governed', async () => {
    const { gateway: gw, caller } = gateway();
    const empty = liveState();
    const facts = await readAccountFacts(gw, desiredState(), empty, diff(desiredState(), empty), { concurrency: 1 });
    expect(facts.credentialReport).toBeNull();
    expect(caller.stats.calls).toBe(0);
  });
});
