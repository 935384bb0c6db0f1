import { nullTranslator } from '@jupyterlab/translation';
import React from 'react';
import { act } from 'react-dom/test-utils';

import { StudioAbacResponseError } from '../api';
import { AdminPanel, IAdminAPI, parseTagLines } from '../components/AdminPanel';
import {
  IDecisionResult,
  IDenialEvent,
  IExplanation,
  ISimulateRequest
} from '../tokens';
import deleteDenied from './fixtures/explanation-delete-denied.json';
import { cleanup, render } from './render';

const trans = nullTranslator.load('studio_abac_ext');

const EVENT: IDenialEvent = {
  id: 'e1',
  time: '2026-11-29T10:00:00Z',
  principal:
    'arn:aws:sts::123456789012:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker',
  user: 'userb1',
  action: 'sagemaker:DeleteExperiment',
  resource:
    'arn:aws:sagemaker:us-east-1:123456789012:experiment/usera1teamaexperiment1',
  errorCode: 'AccessDenied',
  message: 'not authorized'
};

class FakeAdmin implements IAdminAPI {
  simulated: ISimulateRequest[] = [];
  denialsError: unknown = null;

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
      summary: deleteDenied.summary,
      explanation: deleteDenied as IExplanation
    };
  };

  isolation = async () => ({ findings: [] });
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
    const cells = Array.from(node.querySelectorAll('tbody td')).map(
      td => td.textContent
    );
    expect(cells).toContain('userb1');
    expect(cells).toContain('sagemaker:DeleteExperiment');
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
    const form = field(node, 'Principal').closest('form')!;
    await act(async () => {
      form.dispatchEvent(
        new Event('submit', { bubbles: true, cancelable: true })
      );
    });
    await flush();
    // Then the server got the parsed tags and the decision is explained
    expect(api.simulated[0]).toMatchObject({
      principal: 'SageMakerStudioDeveloperTeamBRole',
      action: 'sagemaker:DeleteExperiment',
      resourceTags: { team: 'TeamA', studiouserid: 'usera1' }
    });
    expect(node.textContent).toContain('Denied (no statement allows it)');
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
