/**
 * Where the caller's policies were read from, shown in the sidebar's header and in the
 * "Access denied" dialog.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IPolicyOrigin, ISkippedPolicySource } from '../tokens';

/** The server's reasons usually start with the source, which the list already shows. */
function withoutSource(skipped: ISkippedPolicySource): string {
  const prefix = `${skipped.source}: `;
  return skipped.reason.startsWith(prefix)
    ? skipped.reason.slice(prefix.length)
    : skipped.reason;
}

/**
 * Where the explanations' policies come from, and the sources tried first that could not answer
 * (a bucket the role may not read): why an explanation may be incomplete or out of date.
 */
export function PolicyOriginLine(props: {
  origin: IPolicyOrigin;
  trans: TranslationBundle;
}): JSX.Element {
  const { origin, trans } = props;
  const skipped = origin.skipped ?? [];
  return (
    <div className="jp-StudioAbac-policyOrigin">
      <span className="jp-StudioAbac-muted">{trans.__('Policies')}</span>{' '}
      {origin.known ? (
        <span className="jp-StudioAbac-muted">
          {trans.__('read from')} <code>{origin.source}</code>
        </span>
      ) : (
        <span className="jp-StudioAbac-warning">
          {skipped.length > 0
            ? trans.__('unknown')
            : trans.__(
                'unknown: %1',
                origin.reason ?? trans.__('no policy source answered')
              )}
        </span>
      )}
      {skipped.length > 0 && (
        <details className="jp-StudioAbac-skippedSources">
          <summary className="jp-StudioAbac-warning">
            {trans._n(
              '%1 policy source could not answer',
              '%1 policy sources could not answer',
              skipped.length
            )}
          </summary>
          <p className="jp-StudioAbac-muted">
            {origin.known
              ? trans.__(
                  'Explanations use the source that answered, which may differ from the policies in force. Tried first:'
                )
              : trans.__(
                  'Without policies, denials cannot be explained. Tried:'
                )}
          </p>
          <ul aria-label={trans.__('Policy sources that could not answer')}>
            {skipped.map((s, i) => (
              <li key={i}>
                <code>{s.source}</code>: {withoutSource(s)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
