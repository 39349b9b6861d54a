import { jobSummary, readJobOutput } from '../../../lambda/batch-workflow/domain/job-results';

const enrollmentOut = JSON.stringify({
  Version: '1.0',
  Errors: [{ RequestId: 'line-3', ErrorCode: 400, ErrorMessage: 'Not enough speech for enrollment' }],
  SuccessfulEnrollments: [
    { RequestId: 'line-1', GeneratedSpeakerId: 'id#Gs0123456789abcdefGHIJ', CustomerSpeakerId: 'C1001', EnrollmentStatus: 'NEW_ENROLLMENT' },
    { RequestId: 'line-2', GeneratedSpeakerId: 'id#Gs0123456789abcdefGHIK', CustomerSpeakerId: 'C1002', EnrollmentStatus: 'ENROLLMENT_OVERWRITE' },
    { RequestId: 'line-4', GeneratedSpeakerId: 'id#Gs0123456789abcdefGHIL', CustomerSpeakerId: 'C1004', EnrollmentStatus: 'SOMETHING_NEW' },
  ],
});

describe("a job's .out file", () => {
  test('every request of the manifest gets its outcome, in manifest order; one Voice ID left out is MISSING, an unknown status FAILED', () => {
    expect(readJobOutput(enrollmentOut, 'SPEAKER_ENROLLMENT', ['line-1', 'line-2', 'line-3', 'line-4', 'line-5'])).toEqual([
      { requestId: 'line-1', outcome: 'ENROLLED', generatedId: 'id#Gs0123456789abcdefGHIJ' },
      { requestId: 'line-2', outcome: 'OVERWRITTEN', generatedId: 'id#Gs0123456789abcdefGHIK' },
      { requestId: 'line-3', outcome: 'FAILED', errorCode: 400, errorMessage: 'Not enough speech for enrollment' },
      { requestId: 'line-4', outcome: 'FAILED', errorCode: 0, errorMessage: expect.stringContaining('SOMETHING_NEW') },
      { requestId: 'line-5', outcome: 'MISSING' },
    ]);
  });

  test("never carries the customer's own id on (only Voice ID's generated one)", () => {
    expect(JSON.stringify(readJobOutput(enrollmentOut, 'SPEAKER_ENROLLMENT', ['line-1', 'line-2']))).not.toMatch(/C100\d/);
  });

  test('registrations accept both spellings of a new fraudster and keep the similarity of a skipped duplicate', () => {
    const out = JSON.stringify({
      Version: '1.0',
      Errors: [],
      SuccessfulRegistrations: [
        { RequestId: 'f1', GeneratedFraudsterId: 'id#Fr0123456789abcdefGHIJ', RegistrationStatus: 'NEW_REGISTRATION' },
        { RequestId: 'f2', GeneratedFraudsterId: 'id#Fr0123456789abcdefGHIK', RegistrationStatus: 'NEW_FRAUDSTER' },
        { RequestId: 'f3', GeneratedFraudsterId: 'id#Fr0123456789abcdefGHIJ', RegistrationStatus: 'DUPLICATE_SKIPPED', FraudsterSimilarityScore: 97 },
      ],
    });
    expect(readJobOutput(out, 'FRAUDSTER_REGISTRATION', ['f1', 'f2', 'f3']).map((r) => [r.outcome, 'similarityScore' in r ? r.similarityScore : undefined])).toEqual([
      ['REGISTERED', undefined],
      ['REGISTERED', undefined],
      ['DUPLICATE_SKIPPED', 97],
    ]);
  });

  test('the summary counts outcomes and lists each request that did not go through, with the reason', () => {
    const outcomes = readJobOutput(enrollmentOut, 'SPEAKER_ENROLLMENT', ['line-1', 'line-2', 'line-3', 'line-5']);
    const summary = jobSummary({ key: 'enrollment/dec.csv', jobType: 'SPEAKER_ENROLLMENT' }, [{ jobId: 'Job0123456789abcdefGHIJ', status: 'COMPLETED_WITH_ERRORS', outcomes }]);
    expect(summary).toContain('Summary of enrollment/dec.csv (SPEAKER_ENROLLMENT): 4 request(s) in 1 job(s).');
    expect(summary).toContain('Outcomes: ENROLLED 1, OVERWRITTEN 1, FAILED 1, MISSING 1.');
    expect(summary).toContain('- line-3: error 400: Not enough speech for enrollment');
    expect(summary).toContain('- line-5: not in Voice ID');
  });
});
