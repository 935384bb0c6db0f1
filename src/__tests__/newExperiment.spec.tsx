import { nullTranslator } from '@jupyterlab/translation';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { act } from 'react';

import { StudioAbacResponseError } from '../api';
import {
  INewExperimentAPI,
  NewExperimentBody,
  preflightSentence
} from '../components/NewExperimentDialog';
import { INewExperiment, IPreflight, IResource } from '../tokens';
import { experiment, TEAM_B_IDENTITY } from './resourceFixtures';
import { PREFLIGHT } from './serverFixtures';
import { buttonByName } from './render';

const trans = nullTranslator.load('studio_abac_ext');

// The server's preflight of a new experiment for Team B (scripts/write_jest_fixtures.py).
const ALLOWED: IPreflight = PREFLIGHT;

/** The server as the dialog sees it: preflight answers ALLOWED; create answers `createResult`. */
class FakeExperimentsServer implements INewExperimentAPI {
  created: INewExperiment[] = [];
  preflights: INewExperiment[] = [];
  createResult: () => Promise<IResource> = async () =>
    experiment('x', 'TeamB', 'userb1');

  preflightExperiment = async (body: INewExperiment): Promise<IPreflight> => {
    this.preflights.push(body);
    return ALLOWED;
  };

  createExperiment = async (body: INewExperiment): Promise<IResource> => {
    this.created.push(body);
    return this.createResult();
  };
}

function show(body: NewExperimentBody): HTMLElement {
  act(() => {
    Widget.attach(body, document.body);
    MessageLoop.sendMessage(body, Widget.Msg.UpdateRequest);
  });
  return body.node;
}

function rerender(body: NewExperimentBody): void {
  act(() => MessageLoop.sendMessage(body, Widget.Msg.UpdateRequest));
}

/** Type into a React-controlled input the way a browser does. */
function type(
  input: HTMLInputElement | HTMLTextAreaElement,
  text: string
): void {
  const proto = Object.getPrototypeOf(input);
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  act(() => {
    setter?.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  // The widget re-renders on Lumino's update request, which the browser would run next frame.
  rerender(body);
}

function press(node: HTMLElement, name: string): void {
  act(() => buttonByName(node, name).click());
  rerender(body);
}

function byLabel(node: HTMLElement, label: string): HTMLInputElement {
  const direct = node.querySelector<HTMLInputElement>(
    `[aria-label="${label}"]`
  );
  if (direct) {
    return direct;
  }
  const wrapping = Array.from(node.querySelectorAll('label')).find(
    l => l.querySelector('span')?.textContent === label
  );
  const input = wrapping?.querySelector<HTMLInputElement>('input, textarea');
  if (!input) {
    throw new Error(`no field labelled ${label}`);
  }
  return input;
}

let body: NewExperimentBody;
afterEach(() => {
  if (body && !body.isDisposed) {
    act(() => body.dispose());
  }
});

describe('New experiment dialog', () => {
  it('shows the name rule and the problem of an invalid name as the user types', () => {
    // Given the dialog opened by Team B's user
    body = new NewExperimentBody(
      new FakeExperimentsServer(),
      TEAM_B_IDENTITY,
      trans
    );
    const node = show(body);
    expect(node.textContent).toContain('letters a–z, A–Z, digits and hyphens');
    // When an underscore is typed
    const name = byLabel(node, 'Name');
    type(name, 'my_exp');
    // Then the field is marked invalid with the reason
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(name.classList.contains('jp-mod-error')).toBe(true);
    expect(node.querySelector('#jp-StudioAbac-nameError')?.textContent).toBe(
      '"_" is not allowed in a name.'
    );
    // And fixing it clears the problem
    type(name, 'my-exp');
    expect(name.getAttribute('aria-invalid')).toBe('false');
    expect(body.isValid).toBe(true);
  });

  it('shows the team and owner tags locked, with why the engine says each is added', async () => {
    // Given the dialog opened by Team B's user, before the preflight answers
    body = new NewExperimentBody(
      new FakeExperimentsServer(),
      TEAM_B_IDENTITY,
      trans
    );
    const node = show(body);
    const locked = () =>
      Array.from(
        node.querySelectorAll('[aria-label="Tags added for you"] li')
      ).map(li => li.textContent);
    // Then both tags show where their values come from, and nothing claims they are required
    expect(locked()).toEqual([
      "team = TeamB added from your Studio user profile's tag",
      "studiouserid = userb1 added from your Studio user profile's tag"
    ]);
    // When the server's preflight answers (its engine: the create needs team, not studiouserid)
    expect(ALLOWED.tagReasons.team.required).toBe(true);
    expect(ALLOWED.tagReasons.studiouserid.required).toBe(false);
    body.name = 'x';
    await act(() => body.runPreflight());
    rerender(body);
    // Then the team tag names the statement that requires it, the owner tag says what it is for
    expect(locked()).toEqual([
      "team = TeamB added from your Studio user profile's tag; required by team-3-studio-developer/AmazonSageMakerCreate",
      "studiouserid = userb1 added from your Studio user profile's tag; added so admins can see who made it"
    ]);
    expect(node.textContent).not.toContain('your policies require it');
  });

  it('adds, validates and removes extra tag rows', () => {
    body = new NewExperimentBody(
      new FakeExperimentsServer(),
      TEAM_B_IDENTITY,
      trans
    );
    const node = show(body);
    press(node, 'Add tag');
    press(node, 'Add tag');
    type(byLabel(node, 'Tag key 1'), 'team');
    type(byLabel(node, 'Tag key 2'), 'project');
    type(byLabel(node, 'Tag value 2'), 'churn');
    expect(
      node.querySelector('#jp-StudioAbac-tagError-0')?.textContent
    ).toContain('is added for you');
    press(node, 'Remove tag 1');
    expect(body.tagRows).toEqual([{ key: 'project', value: 'churn' }]);
    expect(node.querySelector('[aria-label="Tag key 2"]')).toBeNull();
  });

  it('shows the preflight decision naming the allowing statement', async () => {
    const server = new FakeExperimentsServer();
    body = new NewExperimentBody(server, TEAM_B_IDENTITY, trans);
    const node = show(body);
    type(byLabel(node, 'Name'), 'x');
    await act(() => body.runPreflight());
    rerender(body);
    expect(server.preflights[server.preflights.length - 1]).toEqual({
      name: 'x'
    });
    expect(node.querySelector('[aria-label="Policy check"]')?.textContent).toBe(
      'Allowed by statement AmazonSageMakerCreate (policy team-3-studio-developer)'
    );
  });

  it('creates with the typed fields, or stays open with the server message', async () => {
    // Given a server that refuses the first create with a validation error
    const server = new FakeExperimentsServer();
    server.createResult = () =>
      Promise.reject(
        new StudioAbacResponseError(new Response(null, { status: 409 }), {
          error: 'Conflict',
          message: 'An experiment named x already exists.'
        })
      );
    body = new NewExperimentBody(server, TEAM_B_IDENTITY, trans);
    const node = show(body);
    type(byLabel(node, 'Name'), 'x');
    type(byLabel(node, 'Description'), 'first try');
    // When "Create" is pressed
    let ok = true;
    await act(async () => {
      ok = await body.submit();
    });
    rerender(body);
    // Then the dialog stays, showing the server's message
    expect(ok).toBe(false);
    expect(node.querySelector('[role="alert"]')?.textContent).toBe(
      'An experiment named x already exists.'
    );
    expect(server.created).toEqual([{ name: 'x', description: 'first try' }]);
    // When the server then accepts
    server.createResult = async () => experiment('x', 'TeamB', 'userb1');
    await act(async () => {
      ok = await body.submit();
    });
    // Then the dialog can close with the created experiment
    expect(ok).toBe(true);
    expect(body.getValue()?.tags).toEqual({
      team: 'TeamB',
      studiouserid: 'userb1'
    });
  });

  it('does not call the server while the form is invalid', async () => {
    const server = new FakeExperimentsServer();
    body = new NewExperimentBody(server, TEAM_B_IDENTITY, trans);
    const node = show(body);
    let ok = true;
    await act(async () => {
      ok = await body.submit();
    });
    rerender(body);
    expect(ok).toBe(false);
    expect(server.created).toHaveLength(0);
    expect(node.querySelector('#jp-StudioAbac-nameError')?.textContent).toBe(
      'A name is required.'
    );
  });

  it('says why a denied preflight is denied', () => {
    const denied: IPreflight = {
      ...ALLOWED,
      decision: 'implicitDeny',
      summary: 'Denied: no statement allows sagemaker:CreateExperiment.',
      explanation: null
    };
    expect(preflightSentence(denied, trans)).toBe(
      'Denied: no statement allows sagemaker:CreateExperiment.'
    );
  });
});
