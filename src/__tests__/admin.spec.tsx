import { nullTranslator } from '@jupyterlab/translation';
import React, { act } from 'react';

import { StudioAbacResponseError } from '../api';
import { AdminPanel, IAdminAPI } from '../components/AdminPanel';
import { principalName } from '../components/DecisionView';
import { parseTagLines } from '../components/SimulateForm';
import { severityCounts } from '../components/IsolationFindings';
import {
  IDecisionResult,
  IDenialEvent,
  IFinding,
  ISimulateRequest
} from '../tokens';
import { cleanup, render } from './render';
import { DELETE_DENIED_EXPLANATION } from './serverFixtures';

const trans = nullTranslator.load('studio_abac_ext');

const EVENT: IDenialEvent = {
  id: 'e1',
  time: '2026-11-29T10:00:00Z',
  principal:
    'arn:aws:sts::123456789012:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker',
  user: 'userb1',
  action: 'sagemaker:DeleteExperiment',
  resource:
    'arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment',
  errorCode: 'AccessDenied',
  message: 'not authorized'
};

function finding(
  id: string,
  severity: IFinding['severity'],
  fix: string
): IFinding {
  return {
    id,
    severity,
    title: `title of ${id}`,
    detail: `detail of ${id}`,
    actions: [],
    statements: [],
    example: { principal: '', action: '', resource: '', context: {} },
    fix
  };
}

class FakeAdmin implements IAdminAPI {
  simulated: ISimulateRequest[] = [];
  denialsError: unknown = null;
  findings: IFinding[] = [];

  denials = async () => {
    if (this.denialsError) {
      throw this.denialsError;
    }
    return { events: [EVENT] };
  };

  simulate = async (body: ISimulateRequest): Promise<IDecisionResult> => {
    this.simulated.push(body);
    return {
      decision: 'implicitDeny',
      summary: DELETE_DENIED_EXPLANATION.summary,
      explanation: DELETE_DENIED_EXPLANATION
    };
  };

  isolation = async () => ({ findings: this.findings });
}

async function flush(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
}

function typeInto(input: HTMLInputElement, text: string): void {
  const setter = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    'value'
  )?.set;
  act(() => {
    setter?.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit(input: HTMLInputElement): Promise<void> {
  const form = input.closest('form')!;
  await act(async () => {
    form.dispatchEvent(
      new Event('submit', { bubbles: true, cancelable: true })
    );
  });
  await flush();
}

function field(node: HTMLElement, label: string): HTMLInputElement {
  const wrapping = Array.from(node.querySelectorAll('label')).find(
    l => l.querySelector('span')?.textContent === label
  );
  return wrapping!.querySelector('input')!;
}

afterEach(cleanup);

describe('Policy denials view', () => {
  it('lists recent denials with an explain button per event', async () => {
    const node = render(<AdminPanel api={new FakeAdmin()} trans={trans} />);
    await flush();
    const cells = Array.from(node.querySelectorAll('tbody td'));
    // The person, and under them the role their session used
    expect(cells[1].querySelector('.jp-StudioAbac-who')?.textContent).toBe(
      'userb1'
    );
    expect(cells[1].querySelector('.jp-StudioAbac-whoRole')?.textContent).toBe(
      'SageMakerStudioDeveloperTeamBRole'
    );
    // What was asked, on which resource, in one cell
    expect(cells[2].querySelector('code')?.textContent).toBe(
      'sagemaker:DeleteExperiment'
    );
    expect(
      cells[2].querySelector('.jp-StudioAbac-denialResource')?.textContent
    ).toBe(EVENT.resource);
    expect(cells[0].querySelector('time')?.getAttribute('dateTime')).toBe(
      EVENT.time
    );
    expect(
      node.querySelector(
        'button[aria-label="Explain the denial of sagemaker:DeleteExperiment to userb1"]'
      )
    ).not.toBeNull();
  });

  it('simulates with the typed tags and shows the explained decision', async () => {
    // Given the view
    const api = new FakeAdmin();
    const node = render(<AdminPanel api={api} trans={trans} />);
    await flush();
    // When a request is simulated with resource tags
    typeInto(field(node, 'Principal'), 'SageMakerStudioDeveloperTeamBRole');
    typeInto(field(node, 'Resource'), EVENT.resource!);
    typeInto(field(node, 'Resource tags'), 'team=TeamA, studiouserid=usera1');
    await submit(field(node, 'Principal'));
    // Then the server got the parsed tags and the decision is explained
    expect(api.simulated[0]).toMatchObject({
      principal: 'SageMakerStudioDeveloperTeamBRole',
      action: 'sagemaker:DeleteExperiment',
      resourceTags: { team: 'TeamA', studiouserid: 'usera1' }
    });
    const decision = node.querySelector(
      '[role="status"][aria-label="Decision"]'
    );
    expect(decision?.textContent).toContain('Denied (no statement allows it)');
    expect(decision?.querySelector('code')?.textContent).toBe('implicitDeny');
    // And the compared tag is the simulated role's, not the admin's own
    const sides = Array.from(decision!.querySelectorAll('dt')).map(
      dt => dt.textContent
    );
    expect(sides).toContain("SageMakerStudioDeveloperTeamBRole's (team tag)");
    expect(sides).not.toContain('Yours (team tag)');
    expect(node.textContent).toContain(
      'AmazonSageMakerUpdateDeleteExecutePolicy'
    );
  });

  it('offers the explanation of a denied CloudTrail read in place', async () => {
    const api = new FakeAdmin();
    api.denialsError = new StudioAbacResponseError(
      new Response(null, { status: 403 }),
      {
        error: 'AccessDenied',
        message: 'not authorized to perform: cloudtrail:LookupEvents',
        action: 'cloudtrail:LookupEvents',
        resource: '*',
        caller: EVENT.principal,
        explanation: null,
        nextStep: 'Ask an administrator.'
      }
    );
    const node = render(<AdminPanel api={api} trans={trans} />);
    await flush();
    const alert = node.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('cloudtrail:LookupEvents');
    expect(alert?.querySelector('button')?.textContent).toBe(
      'Why was access denied?'
    );
  });

  it("leaves untyped tags out, so the server reads the resource's own", async () => {
    // Given the view
    const api = new FakeAdmin();
    const node = render(<AdminPanel api={api} trans={trans} />);
    await flush();
    // When a request is simulated without any tags
    typeInto(field(node, 'Principal'), 'SageMakerStudioDeveloperTeamBRole');
    typeInto(field(node, 'Resource'), EVENT.resource!);
    await submit(field(node, 'Principal'));
    // Then neither tag map is sent (an empty map would mean "the resource has no tags")
    expect(api.simulated[0]).not.toHaveProperty('resourceTags');
    expect(api.simulated[0]).not.toHaveProperty('requestTags');
  });

  it('explains a listed denial as recorded, without inventing tags', async () => {
    // Given the view with userb1's denial
    const api = new FakeAdmin();
    const node = render(<AdminPanel api={api} trans={trans} />);
    await flush();
    // When its Explain button is pressed
    const explain = node.querySelector<HTMLButtonElement>('tbody button')!;
    await act(async () => explain.click());
    await flush();
    // Then the recorded principal, action and resource are simulated, tags left to the server
    expect(api.simulated[0]).toEqual({
      principal: EVENT.principal,
      action: EVENT.action,
      resource: EVENT.resource
    });
    // (the dialog it opened is closed again)
    const close =
      document.querySelector<HTMLButtonElement>('.jp-Dialog button');
    await act(async () => close?.click());
    await flush();
  });

  it('lists findings with their id and shows a policy fix as code', async () => {
    // Given the checker reports a high finding with a policy fix and a low one with a sentence
    const api = new FakeAdmin();
    api.findings = [
      finding(
        'retag-takeover',
        'high',
        '[\n  {"Sid": "AddTagsOnlyWhenCreating"}\n]'
      ),
      finding(
        'read-exposure',
        'low',
        'Scope the Describe actions to your team.'
      )
    ];
    const node = render(<AdminPanel api={api} trans={trans} />);
    await flush();
    // When the role is checked
    await submit(
      node.querySelector<HTMLInputElement>('input[aria-label="Role to check"]')!
    );
    // Then both are listed with id and severity, and the counts summarize them
    const items = Array.from(
      node.querySelectorAll('ul[aria-label="Findings"] > li')
    );
    expect(items.map(li => li.querySelector('code')?.textContent)).toEqual([
      'retag-takeover',
      'read-exposure'
    ]);
    expect(node.textContent).toContain('2 findings: 1 high, 1 low');
    // And the policy fix keeps its lines in a code block; the sentence stays a sentence
    expect(items[0].querySelector('pre')?.textContent).toBe(
      '[\n  {"Sid": "AddTagsOnlyWhenCreating"}\n]'
    );
    expect(items[1].querySelector('pre')).toBeNull();
    expect(items[1].textContent).toContain('Fix: Scope the Describe actions');
  });
});

describe('principalName', () => {
  it('names the role of a session, a role, or an IAM user', () => {
    expect(principalName(EVENT.principal)).toBe(
      'SageMakerStudioDeveloperTeamBRole'
    );
    expect(principalName('arn:aws:iam::123456789012:role/TeamA')).toBe('TeamA');
    expect(principalName('arn:aws:iam::123456789012:user/admin')).toBe('admin');
    expect(principalName('123456789012')).toBe('123456789012');
  });
});

describe('severityCounts', () => {
  it('counts by severity, most severe first, leaving out absent ones', () => {
    expect(
      severityCounts([
        finding('a', 'medium', ''),
        finding('b', 'critical', ''),
        finding('c', 'medium', '')
      ])
    ).toBe('1 critical, 2 medium');
  });
});

describe('parseTagLines', () => {
  it('reads key=value pairs by line or comma and names a bad entry', () => {
    expect(parseTagLines('team=TeamA\nowner = a1')).toEqual({
      tags: { team: 'TeamA', owner: 'a1' }
    });
    expect(parseTagLines('')).toEqual({ tags: {} });
    expect(parseTagLines('team')).toEqual({ bad: 'team' });
  });
});
