/**
 * A simulated decision as the admin view shows it: AWS's decision word and the engine's
 * explanation, with the principal named by its role or user.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IDecisionResult } from '../tokens';
import { ExplanationView } from './ExplanationView';

/**
 * The role (of a role session) or IAM user an ARN names: the person's name alone does not say
 * which team's role acted.
 */
export function principalName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const [kind, name] = resource.split('/');
  if ((kind === 'assumed-role' || kind === 'role' || kind === 'user') && name) {
    return name;
  }
  return arn;
}

/**
 * An ARN or action that may wrap after its ":" and "/" separators rather than mid-word, so a
 * narrow column breaks it where a reader expects.
 */
export function Breakable(props: { text: string }): JSX.Element {
  const parts = props.text.split(/(?<=[:/])/);
  return (
    <>
      {parts.map((part, i) => (
        <React.Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </React.Fragment>
      ))}
    </>
  );
}

/** The decision of one simulated request, with its explanation when the server gave one. */
export function DecisionView(props: {
  result: IDecisionResult;
  trans: TranslationBundle;
}): JSX.Element {
  const { result, trans } = props;
  const labels: Record<string, string> = {
    allowed: trans.__('Allowed'),
    explicitDeny: trans.__('Explicitly denied'),
    implicitDeny: trans.__('Denied (no statement allows it)'),
    unknown: trans.__('Unknown')
  };
  return (
    <div
      className="jp-StudioAbac-decisionResult"
      role="status"
      aria-label={trans.__('Decision')}
    >
      <p>
        <strong
          className="jp-StudioAbac-decision"
          data-decision={result.decision}
        >
          {labels[result.decision] ?? result.decision}
        </strong>{' '}
        {/* AWS's own word for the decision, as its policy simulator prints it */}
        <span className="jp-StudioAbac-decisionCode">
          {trans.__('AWS decision:')} <code>{result.decision}</code>
        </span>
        {result.explanation ? '' : ` — ${result.summary}`}
      </p>
      {result.explanation && (
        <ExplanationView
          explanation={result.explanation}
          trans={trans}
          subject={
            principalName(result.explanation.principal ?? '') || undefined
          }
        />
      )}
    </div>
  );
}
