import { nullTranslator } from '@jupyterlab/translation';
import React from 'react';

import { StudioAbacResponseError } from '../api';
import {
  accessDeniedDetails,
  AccessDeniedBody,
  errorMessage
} from '../components/AccessDenied';
import {
  compactExcerpt,
  excerpt,
  ExplanationView,
  missingKeyAdvice,
  sideLabel,
  statementsToShow
} from '../components/ExplanationView';
import { IAccessDeniedBody, IExplanation } from '../tokens';
import { buttonByName, cleanup, clickButton, render } from './render';
import {
  CREATE_ALLOWED_EXPLANATION,
  DELETE_DENIED_EXPLANATION,
  DENIED_DELETE,
  DENIED_POLICIES_UNKNOWN,
  UNAVAILABLE,
  UNTAGGED_EXPLANATION
} from './serverFixtures';

const trans = nullTranslator.load('studio_abac_ext');
// The server's own answers for Team B (scripts/write_jest_fixtures.py).
const denied = DELETE_DENIED_EXPLANATION;
const allowed = CREATE_ALLOWED_EXPLANATION;
// A guard Deny on another team's resources, holding for an experiment with no team tag.
const untagged = UNTAGGED_EXPLANATION;
const ACCESS_DENIED: IAccessDeniedBody = DENIED_DELETE;

afterEach(cleanup);

describe('ExplanationView', () => {
  it('shows the closest statement of an implicit deny with both compared values', () => {
    // Given Team B's denied delete of Team A's experiment
    // When the explanation is shown
    const node = render(<ExplanationView explanation={denied} trans={trans} />);
    const text = node.textContent ?? '';
    // Then it names the statement and its policy, and sets TeamB against TeamA
    expect(text).toContain('AmazonSageMakerUpdateDeleteExecutePolicy');
    expect(text).toContain('in policy team-3-studio-developer');
    const sides = Array.from(
      node.querySelectorAll('.jp-StudioAbac-compareSide')
    ).map(s => [
      s.querySelector('dt')?.textContent,
      s.querySelector('dd')?.textContent
    ]);
    expect(sides).toEqual([
      ['Yours (team tag)', 'TeamB'],
      ["The resource's (team tag)", 'TeamA']
    ]);
  });

  it('highlights exactly the failing condition line of the policy excerpt', () => {
    const node = render(<ExplanationView explanation={denied} trans={trans} />);
    const marks = Array.from(node.querySelectorAll('mark'));
    expect(marks).toHaveLength(1);
    expect(marks[0].textContent).toContain(
      '"aws:PrincipalTag/team": "${sagemaker:ResourceTag/team}"'
    );
    expect(marks[0].textContent).toContain('Failing condition:');
    // And the excerpt spans the whole statement
    const pre = node.querySelector('pre');
    expect(pre?.getAttribute('aria-label')).toBe(
      'Policy team-3-studio-developer, lines 54 to 72'
    );
  });

  it('shows the deciding Allow of an allowed create', () => {
    const { kind, statements } = statementsToShow(allowed);
    expect(kind).toBe('deciding');
    expect(statements[0].sid).toBe('AmazonSageMakerCreate');
    const node = render(
      <ExplanationView explanation={allowed} trans={trans} />
    );
    expect(node.textContent).toContain('The statements that decided:');
  });

  it('labels sides by the kind of key', () => {
    expect(sideLabel('aws:RequestTag/team', trans)).toBe(
      "The request's (team tag)"
    );
    expect(sideLabel('aws:ResourceTag/team', trans)).toBe(
      "The resource's (team tag)"
    );
    expect(sideLabel('aws:SourceIp', trans)).toBe('aws:SourceIp');
  });

  it('cuts an excerpt from the policy text by 1-based inclusive lines', () => {
    const policy = { name: 'p', type: 'identity', text: 'a\nb\nc\nd' };
    expect(excerpt(policy, [2, 3])).toEqual([
      { number: 2, text: 'b' },
      { number: 3, text: 'c' }
    ]);
    expect(excerpt(undefined, [1, 2])).toEqual([]);
  });
});

describe('Deny only for a missing key', () => {
  it('names the statement, the missing key and what to do', () => {
    // Given an explicit deny that holds only because the experiment has no team tag
    // When the explanation is shown
    const node = render(
      <ExplanationView explanation={untagged} trans={trans} />
    );
    // Then a section names the Deny, its policy lines, the key and the remedy
    const section = node.querySelector(
      '[aria-label="Denied only for what the request lacks"]'
    );
    expect(section).not.toBeNull();
    const item = section?.querySelector('ul > li');
    expect(item?.querySelector('code')?.textContent).toBe(
      'DenyDeletesOutsideYourTeam'
    );
    expect(item?.textContent).toContain(
      'in policy policy-4 (lines 4 to 14), for the missing'
    );
    expect(item?.querySelector('li')?.textContent).toBe(
      'sagemaker:ResourceTag/team: The resource has no team tag: ask its owner or an admin to tag it, then try again.'
    );
    // And the summary's own words about it stay
    expect(node.textContent).toContain(
      'It denies only because the request lacks sagemaker:ResourceTag/team.'
    );
  });

  it('shows nothing extra for denials on present values or older servers', () => {
    // Given an implicit deny (its list is empty) and an explanation without the field
    // (servers older than the field, which the schema now requires)
    const withoutField = {
      ...untagged,
      denyBecauseMissing: undefined
    } as unknown as IExplanation;
    for (const explanation of [denied, withoutField]) {
      const node = render(
        <ExplanationView explanation={explanation} trans={trans} />
      );
      expect(node.querySelector('.jp-StudioAbac-missingDenials')).toBeNull();
    }
  });

  it('advises by who carries the key', () => {
    expect(missingKeyAdvice('aws:RequestTag/team', trans)).toBe(
      'Send the team tag with the request.'
    );
    expect(missingKeyAdvice('aws:PrincipalTag/team', trans)).toBe(
      'Your role has no team tag: ask an admin to tag it, then sign in again.'
    );
    expect(
      missingKeyAdvice('aws:PrincipalTag/team', trans, 'SageMakerRole')
    ).toBe('SageMakerRole has no team tag: tag it, then simulate again.');
    expect(missingKeyAdvice('aws:TagKeys', trans)).toBe(
      'Send tags with the request.'
    );
    expect(missingKeyAdvice('aws:SourceVpc', trans)).toBe(
      'The request must carry aws:SourceVpc: ask an admin where it comes from.'
    );
  });
});

describe('Access denied', () => {
  it('shows the summary, Why, What you can do and copies the full details', () => {
    // Given the 403 body of a denied delete
    const copies: string[] = [];
    const node = render(
      <AccessDeniedBody
        body={ACCESS_DENIED}
        request={{
          label: 'Delete experiment teama-seeded-experiment',
          method: 'DELETE',
          path: 'experiments/teama-seeded-experiment'
        }}
        trans={trans}
        copy={text => copies.push(text)}
      />
    );
    // Then the sections are there
    const headings = Array.from(node.querySelectorAll('h3')).map(
      h => h.textContent
    );
    expect(headings).toEqual(['Why', 'What you can do']);
    expect(node.textContent).toContain(denied.summary);
    expect(node.textContent).toContain(ACCESS_DENIED.nextStep);
    // When the copy button is pressed
    clickButton(node, 'Copy details for a support ticket');
    // Then the clipboard text holds the AWS message, the request and the explanation
    expect(copies).toHaveLength(1);
    expect(copies[0]).toContain(ACCESS_DENIED.message);
    expect(copies[0]).toContain(
      'Request: Delete experiment teama-seeded-experiment (DELETE experiments/teama-seeded-experiment)'
    );
    expect(copies[0]).toContain('AmazonSageMakerUpdateDeleteExecutePolicy');
    expect(copies[0]).toContain(
      'aws:PrincipalTag/team (TeamB) does not equal TeamA'
    );
    expect(node.querySelector('[role="status"]')?.textContent).toBe(
      'Copied to the clipboard.'
    );
  });

  it('shows the server summary and why the policies are unknown when it cannot explain', () => {
    // Given the server's 403 for a caller whose policies could not be read
    const body = DENIED_POLICIES_UNKNOWN;
    expect(body.explanation).toBeNull();
    expect(body.policies?.known).toBe(false);
    // When the dialog shows it
    const node = render(
      <AccessDeniedBody
        body={body}
        request={null}
        trans={trans}
        copy={() => undefined}
      />
    );
    // Then its headline is the server's summary, not a generic sentence
    expect(node.querySelector('.jp-StudioAbac-summary')?.textContent).toBe(
      body.summary
    );
    // And Why names the failed policy source and its reason, then AWS's words
    const why = node.querySelector('[aria-labelledby="jp-StudioAbac-why"]');
    const origin = why?.querySelector('.jp-StudioAbac-policyOrigin');
    expect(origin?.textContent).toContain('Policies unknown');
    expect(origin?.textContent).toContain('1 policy source could not answer');
    expect(origin?.querySelector('li')?.textContent).toBe(
      'iam: IAM: iam:GetRole failed (AccessDenied)'
    );
    expect(why?.textContent).toContain('could not read the policies');
    expect(why?.querySelector('blockquote')?.textContent).toBe(body.message);
    expect(
      buttonByName(node, 'Copy details for a support ticket')
    ).toBeTruthy();
    // And the ticket text carries the summary and the policies' status
    const details = accessDeniedDetails(body, null);
    expect(details).toContain(`Summary: ${body.summary}`);
    expect(details).toContain(
      'Policies unknown: IAM: iam:GetRole failed (AccessDenied)'
    );
    expect(details).toContain(`What you can do: ${body.nextStep}`);
  });

  it('says where the policies of an explained denial were read from', () => {
    const node = render(
      <AccessDeniedBody body={ACCESS_DENIED} request={null} trans={trans} />
    );
    expect(
      node.querySelector('.jp-StudioAbac-policyOrigin')?.textContent
    ).toContain(`read from ${ACCESS_DENIED.policies?.source}`);
    expect(accessDeniedDetails(ACCESS_DENIED, null)).toContain(
      `Policies read from: ${ACCESS_DENIED.policies?.source}`
    );
  });
});

describe('compactExcerpt', () => {
  const lines = Array.from({ length: 19 }, (_, i) => ({
    number: 54 + i,
    text: `line ${54 + i}`
  }));

  it('keeps the head, the marked condition with context and the last line', () => {
    // Given a 19-line statement whose condition sits on line 69
    // When it is compacted around that line
    const parts = compactExcerpt(lines, [[69, 69]]);
    // Then lines 57-66 are one gap, and 67-71 and 72 are shown, 69 marked
    const shown = parts.map(p =>
      p.kind === 'gap' ? `gap ${p.count}` : p.number
    );
    expect(shown).toEqual([54, 55, 56, 'gap 10', 67, 68, 69, 70, 71, 72]);
    expect(parts.filter(p => p.kind === 'line' && p.marked)).toHaveLength(1);
  });

  it('keeps every line when nothing is marked', () => {
    expect(compactExcerpt(lines, [])).toHaveLength(19);
  });
});

describe('errorMessage', () => {
  it("gives a 503's retry advice once, as the server words it", () => {
    // Given the server's 503 when AWS cannot be reached (its message ends with the advice)
    expect(UNAVAILABLE.message).toMatch(/try again in 30 seconds\.$/);
    const error = new StudioAbacResponseError(
      new Response(null, { status: 503 }),
      UNAVAILABLE
    );
    // When it is put into words, Then it is the server's message, nothing appended
    const text = errorMessage(error, trans);
    expect(text).toBe(UNAVAILABLE.message);
    expect(text.match(/try again/gi)).toHaveLength(1);
  });
});
