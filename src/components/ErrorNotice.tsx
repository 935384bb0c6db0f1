/**
 * How the admin view shows a failure in place: the message, and for an access denial a button
 * that opens its explanation.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { StudioAbacResponseError } from '../api';
import { errorMessage, showAccessDenied } from './AccessDenied';

/**
 * A failure shown in place; an access denial also offers its explanation (and opens it at once
 * when the user asked for the action, rather than when the view loaded).
 */
export function ErrorNotice(props: {
  error: unknown;
  label: string;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { error, label, trans } = props;
  if (!error) {
    return null;
  }
  const denied =
    error instanceof StudioAbacResponseError ? error.accessDenied : null;
  return (
    <div role="alert" className="jp-StudioAbac-serverError">
      {errorMessage(error, trans)}{' '}
      {denied && (
        <button
          type="button"
          className="jp-StudioAbac-why"
          onClick={() => void showAccessDenied(denied, { label }, trans)}
        >
          {trans.__('Why was access denied?')}
        </button>
      )}
    </div>
  );
}

/** Open the explanation of an access denial the user met by asking for an action. */
export async function reportIfDenied(
  error: unknown,
  label: string,
  trans: TranslationBundle
): Promise<void> {
  if (error instanceof StudioAbacResponseError && error.accessDenied) {
    await showAccessDenied(error.accessDenied, { label }, trans);
  }
}
