/**
 * The check, at activation, that the server extension is installed and matches the frontend.
 */
import { IHealth } from './tokens';

/** What the health check found. */
export type HealthStatus =
  | { kind: 'ok'; version: string }
  | { kind: 'missing'; detail: string }
  | { kind: 'mismatch'; frontendVersion: string; serverVersion: string };

/**
 * Classify the answer (or failure) of `GET /studio-abac-ext/health`.
 *
 * A 404 means the server extension is not installed or not enabled; any other failure is
 * reported as missing too, with its message, because the extension cannot work without it.
 */
export function classifyHealth(
  frontendVersion: string,
  result: { health: IHealth } | { error: unknown }
): HealthStatus {
  if ('error' in result) {
    const detail =
      result.error instanceof Error
        ? result.error.message
        : String(result.error);
    return { kind: 'missing', detail };
  }
  if (result.health.version !== frontendVersion) {
    return {
      kind: 'mismatch',
      frontendVersion,
      serverVersion: result.health.version
    };
  }
  return { kind: 'ok', version: frontendVersion };
}
