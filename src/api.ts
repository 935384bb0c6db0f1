/**
 * The only place that builds URLs of the studio-abac-ext REST API.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { EXTENSION_ID, IHealth } from './tokens';

/** The JSON error body every failing endpoint returns: `{error, message, ...details}`. */
export interface IErrorBody {
  error: string;
  message: string;
  [detail: string]: unknown;
}

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
}
