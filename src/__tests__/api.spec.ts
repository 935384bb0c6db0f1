import { ServerConnection } from '@jupyterlab/services';

import { accessDeniedOf, StudioAbacAPI, StudioAbacResponseError } from '../api';
import { DENIED_DELETE, UNAVAILABLE } from './serverFixtures';

/** What the fake network saw, and what it answers (the network is the boundary we own). */
interface ICall {
  url: string;
  method: string;
  body: string | null;
}

function apiAnswering(
  status: number,
  body: unknown
): { api: StudioAbacAPI; calls: ICall[] } {
  const calls: ICall[] = [];
  const fetchFake = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const sent = await request.text();
    calls.push({
      url: request.url,
      method: request.method,
      body: sent.length > 0 ? sent : null
    });
    const text = body === null ? null : JSON.stringify(body);
    return new Response(text, {
      status,
      headers: { 'Content-Type': 'application/json' }
    });
  };
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: fetchFake as typeof fetch
  });
  return { api: new StudioAbacAPI(settings), calls };
}

describe('StudioAbacAPI', () => {
  it('lists resources with the query in the URL', async () => {
    // Given a server answering one page
    const { api, calls } = apiAnswering(200, {
      items: [],
      next: null,
      type: 'experiment',
      scope: 'all'
    });
    // When the list is asked for with a search text and a next token
    const page = await api.listResources({
      type: 'experiment',
      scope: 'all',
      q: 'team a',
      next: 'tok/1'
    });
    // Then the URL carries every parameter, encoded
    expect(page.scope).toBe('all');
    const url = new URL(calls[0].url);
    expect(url.pathname).toBe('/studio-abac-ext/resources');
    const params: Record<string, string> = {};
    // ServerConnection adds a numeric cache-buster; it is not ours to check.
    url.searchParams.forEach((value, key) => {
      if (!/^\d+$/.test(key)) {
        params[key] = value;
      }
    });
    expect(params).toEqual({
      type: 'experiment',
      scope: 'all',
      q: 'team a',
      next: 'tok/1'
    });
  });

  it('posts a new experiment as JSON', async () => {
    const resource = { name: 'x', arn: 'arn:x', type: 'experiment' };
    const { api, calls } = apiAnswering(201, resource);
    const created = await api.createExperiment({ name: 'x', tags: { p: '1' } });
    expect(created).toEqual(resource);
    expect(calls[0].method).toBe('POST');
    expect(new URL(calls[0].url).pathname).toBe('/studio-abac-ext/experiments');
    expect(JSON.parse(calls[0].body ?? '')).toEqual({
      name: 'x',
      tags: { p: '1' }
    });
  });

  it('deletes an experiment by its encoded name and accepts an empty 204', async () => {
    const { api, calls } = apiAnswering(204, null);
    await expect(api.deleteExperiment('a b')).resolves.toBeUndefined();
    expect(calls[0].method).toBe('DELETE');
    expect(new URL(calls[0].url).pathname).toBe(
      '/studio-abac-ext/experiments/a%20b'
    );
  });

  it('turns a 403 into a StudioAbacResponseError carrying the AccessDenied body', async () => {
    // Given the server's answer to a denied delete
    const body = DENIED_DELETE;
    const { api } = apiAnswering(403, body);
    // When the delete is attempted
    const error = await api
      .deleteExperiment('teama-seeded-experiment')
      .catch(e => e);
    // Then the error is ours, with the code, the message and the explanation
    expect(error).toBeInstanceOf(StudioAbacResponseError);
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(error.code).toBe('AccessDenied');
    expect(error.message).toBe(body.message);
    expect(accessDeniedOf(error)?.explanation?.closest[0].sid).toBe(
      'AmazonSageMakerUpdateDeleteExecutePolicy'
    );
  });

  it('exposes the field of a validation error and the retry advice of a 503', async () => {
    const invalid = apiAnswering(400, {
      error: 'ValidationError',
      message: 'name is invalid',
      field: 'name',
      rule: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$'
    });
    const e1 = await invalid.api.createExperiment({ name: '_' }).catch(e => e);
    expect(e1.field).toBe('name');
    expect(e1.accessDenied).toBeNull();

    const down = apiAnswering(503, UNAVAILABLE);
    const e2 = await down.api.identity().catch(e => e);
    expect(e2.retryAfter).toBe(UNAVAILABLE.retryAfter);
    expect(e2.message).toBe(UNAVAILABLE.message);
  });

  it('keeps a non-JSON error readable', async () => {
    const { api } = apiAnswering(500, null);
    const error = await api.health().catch(e => e);
    expect(error).toBeInstanceOf(StudioAbacResponseError);
    expect(error.body).toBeNull();
    expect(error.code).toBeNull();
  });

  it('sends the denial filters and the isolation role as query parameters', async () => {
    const { api, calls } = apiAnswering(200, { events: [] });
    await api.denials({ user: 'userb1', action: 'sagemaker:DeleteExperiment' });
    const url = new URL(calls[0].url);
    expect(url.pathname).toBe('/studio-abac-ext/admin/denials');
    expect(url.searchParams.get('user')).toBe('userb1');
    expect(url.searchParams.get('limit')).toBe('50');
    await api.isolation('SageMakerStudioDeveloperTeamBRole');
    expect(new URL(calls[1].url).searchParams.get('role')).toBe(
      'SageMakerStudioDeveloperTeamBRole'
    );
  });
});
