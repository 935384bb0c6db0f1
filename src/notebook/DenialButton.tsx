/**
 * "Why was this denied?": asks the server to explain a denial a cell printed and shows the
 * sidebar's "Access denied" dialog with the answer.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { StudioAbacAPI } from '../api';
import { showAccessDenied, showRequestError } from '../components/AccessDenied';
import { IDenialMessageRequest } from '../tokens';

/** Ask the server, then show its explanation (or what went wrong). */
export async function explainDenial(
  api: StudioAbacAPI,
  request: IDenialMessageRequest,
  trans: TranslationBundle
): Promise<void> {
  const label = trans.__('Explain the denial');
  let body;
  try {
    body = await api.explainDenial(request);
  } catch (error) {
    await showRequestError(error, { label }, trans);
    return;
  }
  await showAccessDenied(body, { label }, trans);
}

export function DenialButton(props: {
  api: StudioAbacAPI;
  request: IDenialMessageRequest;
  trans: TranslationBundle;
}): JSX.Element {
  const { api, request, trans } = props;
  const [busy, setBusy] = useState(false);
  return (
    <div className="jp-StudioAbac-denialActions">
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-accept jp-StudioAbac-whyDenied"
        disabled={busy}
        aria-busy={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await explainDenial(api, request, trans);
          } finally {
            setBusy(false);
          }
        }}
      >
        {trans.__('Why was this denied?')}
      </button>
    </div>
  );
}
