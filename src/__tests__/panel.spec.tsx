import { nullTranslator } from '@jupyterlab/translation';
import React, { act } from 'react';

import { StudioAbacResponseError } from '../api';
import {
  IdentityHeader,
  IResourceActions,
  ResourcesPanel
} from '../components/ResourcesPanel';
import { visibleRange } from '../components/VirtualList';
import { ResourcesModel } from '../model';
import { IResource } from '../tokens';
import {
  experiment,
  PagedResources,
  TEAM_B_IDENTITY
} from './resourceFixtures';
import { UNAVAILABLE } from './serverFixtures';
import { buttonByName, cleanup, clickButton, render } from './render';

const trans = nullTranslator.load('studio_abac_ext');

/** Records what the panel asked the sidebar to do. */
function recordingActions(): IResourceActions & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    newExperiment: () => calls.push('new'),
    refresh: () => calls.push('refresh'),
    delete: (r: IResource) => calls.push(`delete ${r.name}`),
    why: (r: IResource) => calls.push(`why ${r.name}`),
    copyArn: (r: IResource) => calls.push(`copy ${r.arn}`)
  };
}

async function loadedModel(
  resources: IResource[],
  scope: 'team' | 'all' = 'team'
) {
  const model = new ResourcesModel(new PagedResources(resources, 10_000), {
    pageSize: 10_000
  });
  await model.loadIdentity();
  await model.setScope(scope);
  if (scope === 'team') {
    await model.refresh();
  }
  return model;
}

afterEach(cleanup);

describe('ResourcesPanel', () => {
  it('shows the caller, their team and where the team came from', async () => {
    const model = await loadedModel([]);
    const node = render(
      <ResourcesPanel
        model={model}
        actions={recordingActions()}
        trans={trans}
      />
    );
    const header = node.querySelector('[aria-label="Signed in as"]');
    expect(header?.textContent).toContain('userb1');
    expect(header?.textContent).toContain('TeamB');
    // (the sandbox's Studio persona: its team comes from the user profile's tag)
    expect(header?.textContent).toContain(
      "from your Studio user profile's tag"
    );
  });

  it("names a federated user's session tag as the source of their user id", () => {
    // Given a federated session's identity as the server answers it (tests/server/
    // test_identity_federated.py): studiouserid from the sign-in, no team tag sent
    const identity = {
      ...TEAM_B_IDENTITY,
      arn: 'arn:aws:sts::123456789012:assumed-role/SageMakerStudioFederatedUserRole/usera1',
      roleName: 'SageMakerStudioFederatedUserRole',
      sessionName: 'usera1',
      studio: null,
      studioUserId: {
        value: 'usera1',
        source: 'session-tag' as const,
        reason: null
      },
      team: {
        value: null,
        source: null,
        reason:
          "Unknown team: your sign-in's session tags have no 'team'; nothing is configured."
      }
    };
    // When the header is shown
    const node = render(
      <IdentityHeader identity={identity} error={null} trans={trans} />
    );
    // Then the user id says it came from the sign-in's session tag, and the team why it is unknown
    const header = node.querySelector('[aria-label="Signed in as"]');
    expect(header?.textContent).toContain(
      "usera1 from your sign-in's session tag"
    );
    expect(header?.textContent).toContain(
      "none: Unknown team: your sign-in's session tags have no 'team'"
    );
  });

  it('names the policy source and lists the sources tried before it', () => {
    // Given an identity whose policies came from IAM after the published S3 copy was refused
    // (the reason as the server words it)
    const bucket = 's3://studio-abac-published-policies/TeamB/';
    const identity = {
      ...TEAM_B_IDENTITY,
      policies: {
        known: true,
        source: 'iam',
        reason: null,
        skipped: [
          {
            source: bucket,
            reason: `${bucket}: AccessDenied: your policies do not allow s3:ListBucket on arn:aws:s3:::studio-abac-published-policies (Access Denied)`
          }
        ]
      }
    };
    // When the header is shown
    const node = render(
      <IdentityHeader identity={identity} error={null} trans={trans} />
    );
    // Then it says where the policies came from, and the skipped bucket with its reason once
    const origin = node.querySelector('.jp-StudioAbac-policyOrigin');
    expect(origin?.textContent).toContain('Policies read from iam');
    expect(node.querySelector('summary')?.textContent).toBe(
      '1 policy source could not answer'
    );
    const items = Array.from(
      node.querySelectorAll(
        '[aria-label="Policy sources that could not answer"] li'
      )
    ).map(li => li.textContent);
    expect(items).toEqual([
      `${bucket}: AccessDenied: your policies do not allow s3:ListBucket on arn:aws:s3:::studio-abac-published-policies (Access Denied)`
    ]);
  });

  it('says the policies are unknown, listing every source tried', () => {
    // Given no source answered
    const identity = {
      ...TEAM_B_IDENTITY,
      policies: {
        known: false,
        source: null,
        reason:
          'iam: cannot read role policies; dir:/nowhere: /nowhere is not a directory',
        skipped: [
          { source: 'iam', reason: 'iam: cannot read role policies' },
          { source: 'dir:/nowhere', reason: '/nowhere is not a directory' }
        ]
      }
    };
    const node = render(
      <IdentityHeader identity={identity} error={null} trans={trans} />
    );
    // Then the header says unknown once, and the details list both sources
    const origin = node.querySelector('.jp-StudioAbac-policyOrigin');
    expect(origin?.textContent).toContain('Policies unknown');
    expect(node.querySelector('summary')?.textContent).toBe(
      '2 policy sources could not answer'
    );
    expect(origin?.textContent).toContain(
      'dir:/nowhere: /nowhere is not a directory'
    );
  });

  it('shows no skipped sources when the first source answered', () => {
    // Given the server's identity, whose policies came from the first source tried
    expect(TEAM_B_IDENTITY.policies.skipped).toEqual([]);
    const node = render(
      <IdentityHeader identity={TEAM_B_IDENTITY} error={null} trans={trans} />
    );
    expect(node.textContent).toContain(
      `Policies read from ${TEAM_B_IDENTITY.policies.source}`
    );
    expect(node.querySelector('details')).toBeNull();
  });

  it('offers the type and scope selectors with their labels', async () => {
    const model = await loadedModel([]);
    const node = render(
      <ResourcesPanel
        model={model}
        actions={recordingActions()}
        trans={trans}
      />
    );
    const scope = node.querySelector<HTMLSelectElement>(
      'select[aria-label="Scope"]'
    );
    expect(Array.from(scope?.options ?? []).map(o => o.text)).toEqual([
      'My team',
      'Mine',
      'All teams'
    ]);
    const type = node.querySelector<HTMLSelectElement>(
      'select[aria-label="Resource type"]'
    );
    expect(type?.options).toHaveLength(6);
    expect(
      node.querySelector('input[aria-label="Search by name"]')
    ).not.toBeNull();
  });

  it('lists rows with named actions and a denied badge that still lets you ask why', async () => {
    // Given "All teams" with one experiment of each team
    const actions = recordingActions();
    const model = await loadedModel(
      [
        experiment('userb1-exp', 'TeamB', 'userb1'),
        experiment('teama-seeded-experiment', 'TeamA', 'usera1', 'denied')
      ],
      'all'
    );
    const node = render(
      <ResourcesPanel model={model} actions={actions} trans={trans} />
    );
    // Then the list holds both, with per-row actions named after the row
    const rows = Array.from(node.querySelectorAll('[role="listitem"]'));
    expect(rows).toHaveLength(2);
    const teamA = rows[1] as HTMLElement;
    expect(teamA.textContent).toContain('usera1');
    expect(teamA.querySelector('.jp-StudioAbac-badge')?.textContent).toBe(
      'Denied'
    );
    expect(rows[0].querySelector('.jp-StudioAbac-badge')).toBeNull();
    // When the denied row's actions are used
    clickButton(teamA, 'Delete teama-seeded-experiment');
    clickButton(teamA, "Why can't I delete teama-seeded-experiment?");
    clickButton(teamA, 'Copy ARN teama-seeded-experiment');
    // Then each reaches the sidebar
    expect(actions.calls).toEqual([
      'delete teama-seeded-experiment',
      'why teama-seeded-experiment',
      'copy arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment'
    ]);
  });

  it('opens the details of a row with its tags, ARN and owner', async () => {
    const model = await loadedModel([
      experiment('userb1-exp', 'TeamB', 'userb1')
    ]);
    const node = render(
      <ResourcesPanel
        model={model}
        actions={recordingActions()}
        trans={trans}
      />
    );
    clickButton(node, 'Show details of userb1-exp');
    const details = node.querySelector('[aria-label="Details of userb1-exp"]');
    expect(details).not.toBeNull();
    const tagRows = Array.from(details?.querySelectorAll('tbody tr') ?? []).map(
      tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent)
    );
    expect(tagRows).toEqual([
      ['team', 'TeamB'],
      ['studiouserid', 'userb1']
    ]);
    expect(details?.textContent).toContain(
      'arn:aws:sagemaker:us-east-1:123456789012:experiment/userb1-exp'
    );
    clickButton(node, 'Close details');
    expect(
      node.querySelector('[aria-label="Details of userb1-exp"]')
    ).toBeNull();
  });

  it('renders only a window of 10,000 rows and moves it as the list scrolls', async () => {
    // Given 10,000 experiments of Team B
    const many = Array.from({ length: 10_000 }, (_, i) =>
      experiment(`exp-${String(i).padStart(5, '0')}`, 'TeamB', 'userb1')
    );
    const model = await loadedModel(many);
    const node = render(
      <ResourcesPanel
        model={model}
        actions={recordingActions()}
        trans={trans}
      />
    );
    // Then far fewer rows than 10,000 are in the DOM, each telling its place in the whole
    const rows = () => Array.from(node.querySelectorAll('[role="listitem"]'));
    expect(rows().length).toBeLessThan(60);
    expect(rows()[0].getAttribute('aria-setsize')).toBe('10000');
    // When the list scrolls to its end
    const scroller = node.querySelector(
      '.jp-StudioAbac-virtualList'
    ) as HTMLElement;
    act(() => {
      scroller.scrollTop = 44 * 9_990;
      scroller.dispatchEvent(new Event('scroll'));
    });
    // Then the last rows are rendered
    const last = rows()[rows().length - 1];
    expect(last.getAttribute('aria-posinset')).toBe('10000');
    expect(last.textContent).toContain('exp-09999');
  });

  it('says what to do when the list is empty or fails', async () => {
    const actions = recordingActions();
    const model = await loadedModel([]);
    const node = render(
      <ResourcesPanel model={model} actions={actions} trans={trans} />
    );
    expect(node.textContent).toContain('Choose "All teams"');
    expect(node.textContent).toContain('Create one with "New experiment".');

    const failing = new PagedResources([], 10);
    // (the server's 503 when AWS cannot be reached)
    failing.failNext = new StudioAbacResponseError(
      new Response(null, { status: 503 }),
      UNAVAILABLE
    );
    const broken = new ResourcesModel(failing);
    await broken.refresh();
    const node2 = render(
      <ResourcesPanel model={broken} actions={actions} trans={trans} />
    );
    // The server's advice shows once, as the server words it
    const alert = node2.querySelector('[role="alert"]')?.textContent ?? '';
    expect(alert).toContain(UNAVAILABLE.message);
    expect(alert.match(/try again in \d+ seconds/gi)).toHaveLength(1);
    clickButton(node2, 'Try again');
    expect(actions.calls).toContain('refresh');
    expect(buttonByName(node2, 'New experiment')).toBeTruthy();
  });
});

describe('visibleRange', () => {
  it('covers the view plus the overscan, clipped to the list', () => {
    expect(visibleRange(0, 440, 44, 10_000, 5)).toEqual([0, 15]);
    expect(visibleRange(44 * 100, 440, 44, 10_000, 5)).toEqual([95, 115]);
    expect(visibleRange(44 * 9_995, 440, 44, 10_000, 5)).toEqual([
      9_990, 10_000
    ]);
    expect(visibleRange(0, 440, 44, 0, 5)).toEqual([0, 0]);
  });
});
