/**
 * The browser's recogniser of AWS denials in outputs: it decides only whether to offer
 * "Why was this denied?"; the server reads and explains the message.
 */
import * as fs from 'fs';
import * as path from 'path';

import { denialRequest } from '../notebook/denialMime';
import {
  MAX_MESSAGE,
  denialData,
  denialText,
  outputText
} from '../notebook/recognise';

const MESSAGE =
  'User: arn:aws:sts::123456789012:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker is not authorized to perform: sagemaker:DeleteExperiment on resource: arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment because no identity-based policy allows the sagemaker:DeleteExperiment action';
const EVALUE = `An error occurred (AccessDeniedException) when calling the DeleteExperiment operation: ${MESSAGE}`;
// The SageMaker SDK's rich traceback as a kernel displayed it (shared with the parser's tests).
const RICH = fs.readFileSync(
  path.join(__dirname, '../../tests/unit/denial_messages/rich_traceback.txt'),
  'utf-8'
);

function errorOutput(ename: string, evalue: string) {
  return {
    'application/vnd.jupyter.error': {
      ename,
      evalue,
      traceback: [
        '\u001b[0;31m---------------------------------------------------------------------------\u001b[0m',
        `\u001b[0;31m${ename}\u001b[0m: ${evalue}`
      ]
    },
    'application/vnd.jupyter.stderr': 'the traceback, joined'
  };
}

describe('outputText and denialText', () => {
  it('find a ClientError denial in an error output, without ANSI colours', () => {
    // Given the error output of a denied boto3 call
    const text = outputText(
      errorOutput('ClientError', EVALUE),
      'application/vnd.jupyter.stderr'
    );
    // Then its text holds the message whole and the button is offered
    expect(text).not.toContain('\u001b');
    expect(text).toContain(`ClientError: ${EVALUE}`);
    expect(denialText(text)).toBe(text);
  });

  it.each([
    ['AccessDenied'],
    ['AccessDeniedException'],
    ['UnauthorizedOperation'],
    ['AuthorizationError'],
    ['AccessDeniedForDependencyException']
  ])('recognise the code %s', code => {
    const evalue = `An error occurred (${code}) when calling the Publish operation: Access Denied`;
    expect(
      denialText(outputText(errorOutput('ClientError', evalue), 'x'))
    ).not.toBeNull();
  });

  it('recognise a denial wrapped in another error', () => {
    const evalue = `Failed to upload data.csv to team-a/data.csv: An error occurred (AccessDenied) when calling the PutObject operation: ${MESSAGE}`;
    const text = outputText(
      errorOutput('S3UploadFailedError', evalue),
      'application/vnd.jupyter.stderr'
    );
    expect(denialText(text)).toContain('S3UploadFailedError: Failed to upload');
  });

  it('recognise a bare message and EC2 encoded messages on stderr', () => {
    const stderr = (text: string) =>
      outputText(
        { 'application/vnd.jupyter.stderr': text },
        'application/vnd.jupyter.stderr'
      );
    expect(denialText(stderr(`ERROR ${MESSAGE}\n`))).not.toBeNull();
    expect(
      denialText(
        stderr(
          'You are not authorized to perform this operation. Encoded authorization failure message: 4Nwb'
        )
      )
    ).not.toBeNull();
  });

  it("recognise the SageMaker SDK's rich traceback in text/plain and text/html", () => {
    // Given the SDK's display_data (line wraps inside the message)
    const plain = outputText({ 'text/plain': RICH }, 'text/plain');
    expect(plain).not.toContain('\u001b');
    expect(denialText(plain)).toContain('AccessDeniedException');
    // And its text/html, rendered as HTML: the text is read without the tags
    const html = outputText(
      {
        'text/html':
          '<pre><span style="color: #ff0000">ClientError: </span>An error occurred <span>(</span>AccessDeniedException<span>)</span> when calling</pre>'
      },
      'text/html'
    );
    expect(html).toBe(
      'ClientError: An error occurred (AccessDeniedException) when calling'
    );
    expect(denialText(html)).not.toBeNull();
  });

  it('offer nothing for other errors', () => {
    const evalue =
      'An error occurred (ValidationException) when calling the CreateExperiment operation: names must be unique';
    expect(
      denialText(outputText(errorOutput('ClientError', evalue), 'x'))
    ).toBeNull();
    expect(
      denialText(outputText({ 'text/plain': 'AccessDenied?' }, 'text/plain'))
    ).toBeNull();
  });

  it('send the tail around the last denial of a long output, within the limit', () => {
    const text =
      'x'.repeat(50000) + `\nClientError: ${EVALUE}\n` + 'y'.repeat(100);
    const sent = denialText(text)!;
    expect(sent.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(sent).toContain(EVALUE);
  });
});

describe('the kernel denial output', () => {
  const data = {
    operation: 'CreateTrialComponent',
    service: 'sagemaker',
    action: 'sagemaker:CreateTrialComponent',
    resource:
      'arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/run-1',
    requestTags: { team: 'TeamA' },
    message: 'Access Denied',
    code: 'AccessDeniedException'
  };

  it('is read when all seven keys are there, extra keys ignored', () => {
    expect(denialData({ ...data, extra: 1 })).toEqual(data);
    const { code, ...withoutCode } = data;
    expect(code).toBe('AccessDeniedException');
    expect(denialData(withoutCode)).toBeNull();
    expect(denialData('text')).toBeNull();
  });

  it("becomes the server's request with boto3's wrapping and the request's facts", () => {
    expect(denialRequest(denialData(data)!)).toEqual({
      message:
        'An error occurred (AccessDeniedException) when calling the CreateTrialComponent operation: Access Denied',
      operation: 'sagemaker:CreateTrialComponent',
      resource: data.resource,
      requestTags: { team: 'TeamA' }
    });
    expect(
      denialRequest(denialData({ ...data, resource: '*' })!).resource
    ).toBeUndefined();
  });
});
