import { nullTranslator } from '@jupyterlab/translation';
import React, { act } from 'react';

import { AdminPanel, IAdminAPI } from '../components/AdminPanel';
import { formatBytes } from '../components/DenialsSource';
import { QUERY_POLL_MS } from '../components/RecentDenials';
import { IDenialEvent, IDenials, IDenialsQuery } from '../tokens';
import { cleanup, render } from './render';

const trans = nullTranslator.load('studio_abac_ext');
const SOURCE = 'athena://primary/cloudtrail/organization_trail';

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
  message: 'not authorized',
  account: '123456789012'
};

function progress(state: IDenialsQuery['state']): IDenialsQuery {
  return { id: 'q-1', state, elapsedMs: 2500, bytesScanned: 12_300_000 };
}

/** An Athena source whose query runs until asked `polls` times, or until cancelled. */
class FakeAthenaAdmin implements IAdminAPI {
  polled = 0;
  cancelled: string[] = [];

  constructor(private readonly polls: number) {}

  denials = async (): Promise<IDenials> => ({
    source: SOURCE,
    query: progress('RUNNING'),
    events: []
  });

  denialsQuery = async (id: string): Promise<IDenials> => {
    this.polled += 1;
    if (this.polled < this.polls) {
      return { source: SOURCE, query: progress('RUNNING'), events: [] };
    }
    return {
      source: SOURCE,
      query: { ...progress('SUCCEEDED'), id },
      events: [EVENT]
    };
  };

  cancelDenialsQuery = async (id: string): Promise<IDenials> => {
    this.cancelled.push(id);
    return {
      source: SOURCE,
      query: { ...progress('CANCELLED'), id },
      events: []
    };
  };

  simulate = async () => {
    throw new Error('not used');
  };

  isolation = async () => ({ findings: [] });
}

async function flush(): Promise<void> {
  await act(async () => {
    await Promise.resolve();
  });
}

async function advance(ms: number): Promise<void> {
  await act(async () => {
    jest.advanceTimersByTime(ms);
  });
  await flush();
}

function queryStatus(node: HTMLElement): string {
  return (
    node.querySelector('[role="status"][aria-label="Athena query"]')
      ?.textContent ?? ''
  );
}

function cancelButton(node: HTMLElement): HTMLButtonElement | null {
  return node.querySelector('button[aria-label="Cancel the Athena query"]');
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  cleanup();
  jest.useRealTimers();
});

describe('Denials from Athena', () => {
  it('shows the running query, polls it, then lists its denials', async () => {
    const api = new FakeAthenaAdmin(2);
    const node = render(<AdminPanel api={api} trans={trans} />);
    await flush();
    // While the query runs: the source, its state, time and bytes, and Cancel
    expect(node.textContent).toContain(`Source: Athena ${SOURCE}`);
    expect(queryStatus(node)).toBe('RUNNING · 2.5 s · 12.3 MB scanned');
    expect(cancelButton(node)).not.toBeNull();
    expect(node.querySelector('tbody')).toBeNull();
    // When a poll still finds it running, it stays so
    await advance(QUERY_POLL_MS);
    expect(api.polled).toBe(1);
    expect(queryStatus(node)).toContain('RUNNING');
    // When the next poll finds it done, its denials are listed and Cancel is gone
    await advance(QUERY_POLL_MS);
    expect(api.polled).toBe(2);
    expect(queryStatus(node)).toContain('SUCCEEDED');
    expect(cancelButton(node)).toBeNull();
    expect(node.querySelector('tbody code')?.textContent).toBe(
      'sagemaker:DeleteExperiment'
    );
  });

  it('cancels the running query', async () => {
    const api = new FakeAthenaAdmin(100);
    const node = render(<AdminPanel api={api} trans={trans} />);
    await flush();
    await act(async () => {
      cancelButton(node)!.click();
    });
    await flush();
    expect(api.cancelled).toEqual(['q-1']);
    expect(queryStatus(node)).toContain('CANCELLED');
    expect(cancelButton(node)).toBeNull();
    // And no further polls follow
    await advance(QUERY_POLL_MS * 3);
    expect(api.polled).toBe(0);
  });

  it('says when CloudTrail LookupEvents answered', async () => {
    const api = new FakeAthenaAdmin(1);
    api.denials = async () => ({ source: 'cloudtrail', events: [EVENT] });
    const node = render(<AdminPanel api={api} trans={trans} />);
    await flush();
    expect(node.textContent).toContain('Source: CloudTrail LookupEvents');
    expect(queryStatus(node)).toBe('');
  });

  it('formats bytes scanned', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(28_044_999)).toBe('28.0 MB');
    expect(formatBytes(1_200_000_000)).toBe('1.2 GB');
  });
});
