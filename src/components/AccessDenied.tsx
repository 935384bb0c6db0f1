/**
 * The "Access denied" dialog, shown for every 403 of the server extension, and the one place
 * that turns a failed request into something the user sees.
 */
import { Clipboard, Dialog, showErrorMessage } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { StudioAbacResponseError } from '../api';
import { IAccessDeniedBody } from '../tokens';
import { ExplanationView } from './ExplanationView';
import { PolicyOriginLine } from './PolicyOrigin';

/** What the user asked for, in words, for the support ticket (e.g. "Delete experiment x"). */
export interface IRequestDescription {
  label: string;
  method?: string;
  path?: string;
}

/** Everything a support person needs, as plain text. */
export function accessDeniedDetails(
  body: IAccessDeniedBody,
  request: IRequestDescription | null
): string {
  const lines = [
    'Access denied',
    `Action: ${body.action}`,
    `Resource: ${body.resource}`,
    `Caller: ${body.caller}`
  ];
  if (request) {
    lines.push(
      `Request: ${request.label}` +
        (request.method ? ` (${request.method} ${request.path ?? ''})` : '')
    );
  }
  lines.push('', 'AWS message:', body.message);
  const explanation = body.explanation;
  if (body.policies) {
    lines.push(
      body.policies.known
        ? `Policies read from: ${body.policies.source}`
        : `Policies unknown: ${body.policies.reason ?? 'no policy source answered'}`
    );
    for (const s of body.policies.skipped) {
      lines.push(`- skipped ${s.source}: ${s.reason}`);
    }
  }
  if (!explanation && body.summary) {
    lines.push('', `Summary: ${body.summary}`);
  }
  if (explanation) {
    lines.push('', `Explanation: ${explanation.summary}`);
    const statements =
      explanation.deciding.length > 0
        ? explanation.deciding
        : explanation.closest;
    for (const s of statements) {
      lines.push(
        `- ${s.effect} ${s.sid ?? `statement ${s.index + 1}`} in policy ${s.policy} (lines ${s.lines.join('-')})`
      );
      for (const c of s.conditions.filter(c => !c.result)) {
        lines.push(`    ${c.operator} ${c.key}: ${c.reason}`);
      }
    }
  }
  lines.push('', `What you can do: ${body.nextStep}`);
  return lines.join('\n');
}

export function AccessDeniedBody(props: {
  body: IAccessDeniedBody;
  request: IRequestDescription | null;
  trans: TranslationBundle;
  copy?: (text: string) => void;
}): JSX.Element {
  const { body, request, trans } = props;
  const [copied, setCopied] = useState(false);
  const copy = props.copy ?? ((text: string) => Clipboard.copyToSystem(text));
  return (
    <div className="jp-StudioAbac-denied">
      <p className="jp-StudioAbac-summary">
        {body.explanation?.summary ??
          body.summary ??
          trans.__('You may not run %1 on %2.', body.action, body.resource)}
      </p>
      <section aria-labelledby="jp-StudioAbac-why">
        <h3 id="jp-StudioAbac-why">{trans.__('Why')}</h3>
        {body.policies && (
          <PolicyOriginLine origin={body.policies} trans={trans} />
        )}
        {body.explanation ? (
          <ExplanationView
            explanation={body.explanation}
            trans={trans}
            showSummary={false}
          />
        ) : (
          <>
            <p>
              {trans.__(
                'The extension could not read the policies that apply to you, so it cannot say which statement refused. AWS said:'
              )}
            </p>
            <blockquote className="jp-StudioAbac-muted">
              {body.message}
            </blockquote>
          </>
        )}
      </section>
      <section aria-labelledby="jp-StudioAbac-next">
        <h3 id="jp-StudioAbac-next">{trans.__('What you can do')}</h3>
        <p>{body.nextStep}</p>
      </section>
      <details className="jp-StudioAbac-awsMessage">
        <summary>{trans.__('AWS message')}</summary>
        <p>{body.message}</p>
      </details>
      <div className="jp-StudioAbac-row">
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          onClick={() => {
            copy(accessDeniedDetails(body, request));
            setCopied(true);
          }}
        >
          {trans.__('Copy details for a support ticket')}
        </button>
        <span role="status" className="jp-StudioAbac-muted">
          {copied ? trans.__('Copied to the clipboard.') : ''}
        </span>
      </div>
    </div>
  );
}

export async function showAccessDenied(
  body: IAccessDeniedBody,
  request: IRequestDescription | null,
  trans: TranslationBundle
): Promise<void> {
  const dialog = new Dialog({
    title: trans.__('Access denied'),
    body: ReactWidget.create(
      <AccessDeniedBody body={body} request={request} trans={trans} />
    ),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
  // A dialog with a widget body has no accessible name of its own: give it its title.
  dialog.node.setAttribute('aria-label', trans.__('Access denied'));
  await dialog.launch();
}

/**
 * Show a failed request to the user: "Access denied" with its explanation for a 403, the
 * server's message (and what to do) otherwise.
 */
export async function showRequestError(
  error: unknown,
  request: IRequestDescription | null,
  trans: TranslationBundle
): Promise<void> {
  if (error instanceof StudioAbacResponseError && error.accessDenied) {
    return showAccessDenied(error.accessDenied, request, trans);
  }
  await showErrorMessage(
    request ? trans.__('%1 failed', request.label) : trans.__('Request failed'),
    errorMessage(error, trans)
  );
}

/** One sentence about a failure, with what to do when we know it. */
export function errorMessage(error: unknown, trans: TranslationBundle): string {
  if (error instanceof StudioAbacResponseError) {
    switch (error.code) {
      // The server's message ends with what to do and when to retry (retryAfter, in words).
      case 'AwsUnavailable':
        return error.message;
      case 'TeamUnknown':
        return trans.__(
          '%1 Ask your administrator to tag your Studio execution role with your team.',
          error.message
        );
      default:
        return error.message;
    }
  }
  if (error instanceof Error) {
    return trans.__(
      'The Jupyter server did not answer (%1). Check that it is running, then refresh.',
      error.message
    );
  }
  return String(error);
}
