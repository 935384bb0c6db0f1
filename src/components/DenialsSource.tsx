/**
 * Which source answered the admin view's denials, and a running Athena query's state, elapsed
 * time and bytes scanned, with Cancel.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IDenialsQuery } from '../tokens';

/** Bytes as a reader counts them (1.2 MB). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Which source answered, and a running Athena query's state, time and bytes, with Cancel. */
export function DenialsSource(props: {
  source: string | undefined;
  query: IDenialsQuery | undefined;
  onCancel: (() => void) | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { source, query, onCancel, trans } = props;
  if (!source) {
    return null;
  }
  const running = query?.state === 'QUEUED' || query?.state === 'RUNNING';
  return (
    <div className="jp-StudioAbac-row jp-StudioAbac-denialsSource">
      <span>
        {source === 'cloudtrail'
          ? trans.__(
              'Source: CloudTrail LookupEvents (this account and region)'
            )
          : trans.__('Source: Athena %1', source)}
      </span>
      {query && (
        <span role="status" aria-label={trans.__('Athena query')}>
          {trans.__(
            '%1 · %2 s · %3 scanned',
            query.state,
            (query.elapsedMs / 1000).toFixed(1),
            formatBytes(query.bytesScanned)
          )}
        </span>
      )}
      {running && onCancel && (
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-warn"
          aria-label={trans.__('Cancel the Athena query')}
          onClick={onCancel}
        >
          {trans.__('Cancel')}
        </button>
      )}
    </div>
  );
}
