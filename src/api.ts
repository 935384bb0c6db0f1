/**
 * The only place that builds URLs of the studio-abac-ext REST API.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  EXTENSION_ID,
  IAccessDeniedBody,
  IDecisionResult,
  IDenialQuery,
  IDenialExplanation,
  IDenialMessageRequest,
  IDenials,
  IErrorBody,
  IExperimentChange,
  IExplainRequest,
  IFindings,
  IHealth,
  IIdentity,
  INewExperiment,
  IPreflight,
  IResource,
  IResourcePage,
  IResourceQuery,
  ISimulateRequest
} from './tokens';

export type { IErrorBody };

/**
 * A failed request to the server extension, carrying the server's JSON body when there is one.
 */
export class StudioAbacResponseError extends ServerConnection.ResponseError {
  constructor(
    response: Response,
    readonly body: IErrorBody | null
  ) {
    super(response, body?.message ?? response.statusText);
  }

  /** The server's machine-readable error code (e.g. `AccessDenied`), if any. */
  get code(): string | null {
    return this.body?.error ?? null;
  }

  /** The 403 body of an AWS AccessDenied, or null for any other error. */
  get accessDenied(): IAccessDeniedBody | null {
    if (this.response.status === 403 && this.code === 'AccessDenied') {
      return this.body as IAccessDeniedBody;
    }
    return null;
  }

  /** For validation errors: the JSON path of the failing field, if the server named one. */
  get field(): string | null {
    return this.body?.field ?? null;
  }

  /** Seconds to wait before retrying, when AWS is unavailable (503). */
  get retryAfter(): number | null {
    return this.body?.retryAfter ?? null;
  }
}

/** The AccessDenied body of an error, if it is one (a 403 from the server extension). */
export function accessDeniedOf(error: unknown): IAccessDeniedBody | null {
  return error instanceof StudioAbacResponseError ? error.accessDenied : null;
}

/**
 * Call the REST API of the server extension and decode its JSON answer.
 */
export async function requestAPI<T>(
  settings: ServerConnection.ISettings,
  endPoint: string,
  init: RequestInit = {}
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, EXTENSION_ID, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    // A cancelled request (a newer query replaced it) is not a network failure.
    if (error instanceof DOMException && error.name === 'AbortError') {
      throw error;
    }
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  let data: unknown = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    throw new StudioAbacResponseError(response, asErrorBody(data));
  }
  return data as T;
}

function asErrorBody(data: unknown): IErrorBody | null {
  if (data !== null && typeof data === 'object' && 'message' in data) {
    const body = data as Partial<IErrorBody>;
    return {
      ...body,
      error: typeof body.error === 'string' ? body.error : 'Error',
      message: String(body.message)
    } as IErrorBody;
  }
  return null;
}

/**
 * A typed client of the server extension, fed with JupyterLab's server settings.
 */
export class StudioAbacAPI {
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  health(): Promise<IHealth> {
    return requestAPI<IHealth>(this.serverSettings, 'health');
  }

  identity(): Promise<IIdentity> {
    return requestAPI<IIdentity>(this.serverSettings, 'identity');
  }

  listResources(
    query: IResourceQuery,
    signal?: AbortSignal
  ): Promise<IResourcePage> {
    const params: Record<string, string> = {
      type: query.type,
      scope: query.scope
    };
    if (query.q) {
      params.q = query.q;
    }
    if (query.next) {
      params.next = query.next;
    }
    return requestAPI<IResourcePage>(
      this.serverSettings,
      'resources' + URLExt.objectToQueryString(params),
      { signal }
    );
  }

  createExperiment(body: INewExperiment): Promise<IResource> {
    return this._post<IResource>('experiments', body);
  }

  preflightExperiment(
    body: INewExperiment,
    signal?: AbortSignal
  ): Promise<IPreflight> {
    return this._post<IPreflight>('experiments/preflight', body, signal);
  }

  async deleteExperiment(name: string): Promise<void> {
    await requestAPI<null>(this.serverSettings, experimentPath(name), {
      method: 'DELETE'
    });
  }

  updateExperiment(name: string, body: IExperimentChange): Promise<IResource> {
    return requestAPI<IResource>(this.serverSettings, experimentPath(name), {
      method: 'PATCH',
      body: JSON.stringify(body)
    });
  }

  explain(body: IExplainRequest): Promise<IDecisionResult> {
    return this._post<IDecisionResult>('explain', body);
  }

  explainDenial(body: IDenialMessageRequest): Promise<IDenialExplanation> {
    return this._post<IDenialExplanation>('explain-denial', body);
  }

  denials(query: IDenialQuery = {}): Promise<IDenials> {
    const params: Record<string, string> = {};
    if (query.user) {
      params.user = query.user;
    }
    if (query.action) {
      params.action = query.action;
    }
    params.limit = String(query.limit ?? 50);
    return requestAPI<IDenials>(
      this.serverSettings,
      'admin/denials' + URLExt.objectToQueryString(params)
    );
  }

  /** An Athena denials query's progress, and its denials once it succeeded. */
  denialsQuery(id: string): Promise<IDenials> {
    return requestAPI<IDenials>(
      this.serverSettings,
      'admin/denials/queries/' + encodeURIComponent(id)
    );
  }

  /** Cancel an Athena denials query (StopQueryExecution). */
  cancelDenialsQuery(id: string): Promise<IDenials> {
    return requestAPI<IDenials>(
      this.serverSettings,
      'admin/denials/queries/' + encodeURIComponent(id),
      { method: 'DELETE' }
    );
  }

  simulate(body: ISimulateRequest): Promise<IDecisionResult> {
    return this._post<IDecisionResult>('admin/simulate', body);
  }

  isolation(role?: string): Promise<IFindings> {
    const query = role ? URLExt.objectToQueryString({ role }) : '';
    return requestAPI<IFindings>(
      this.serverSettings,
      'admin/isolation' + query
    );
  }

  private _post<T>(
    endPoint: string,
    body: unknown,
    signal?: AbortSignal
  ): Promise<T> {
    return requestAPI<T>(this.serverSettings, endPoint, {
      method: 'POST',
      body: JSON.stringify(body),
      signal
    });
  }
}

function experimentPath(name: string): string {
  return 'experiments/' + encodeURIComponent(name);
}
