/**
 * The isolation checker's findings for one role, most severe first as the server sends them.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IFinding, Severity } from '../tokens';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** "1 critical, 5 high, 2 medium": how bad, at a glance. */
export function severityCounts(findings: IFinding[]): string {
  return SEVERITIES.map(
    severity =>
      [severity, findings.filter(f => f.severity === severity).length] as const
  )
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ');
}

/** A fix is policy JSON to paste (shown as code) or, from older checkers, a sentence. */
function isPolicyText(fix: string): boolean {
  return /^\s*[[{]/.test(fix);
}

function Fix(props: {
  id: string;
  fix: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { id, fix, trans } = props;
  if (!isPolicyText(fix)) {
    return (
      <p>
        <strong>{trans.__('Fix:')}</strong> {fix}
      </p>
    );
  }
  return (
    <details className="jp-StudioAbac-fix">
      <summary>{trans.__('Fix: statements to use instead')}</summary>
      {/* Focusable, so a keyboard can scroll a long fix */}
      <pre
        className="jp-StudioAbac-fixPolicy"
        tabIndex={0}
        aria-label={trans.__('Statements that fix %1', id)}
      >
        {fix}
      </pre>
    </details>
  );
}

export function IsolationFindings(props: {
  findings: IFinding[];
  trans: TranslationBundle;
}): JSX.Element {
  const { findings, trans } = props;
  if (findings.length === 0) {
    return (
      <p role="status">
        {trans.__('No findings: the role keeps teams apart.')}
      </p>
    );
  }
  return (
    <>
      <p role="status">
        {trans._n('%1 finding', '%1 findings', findings.length)}
        {`: ${severityCounts(findings)}`}
      </p>
      <ul className="jp-StudioAbac-findings" aria-label={trans.__('Findings')}>
        {findings.map(f => (
          <li
            key={f.id}
            className="jp-StudioAbac-finding"
            aria-labelledby={`jp-StudioAbac-finding-${f.id}`}
          >
            <div
              className="jp-StudioAbac-findingHead"
              id={`jp-StudioAbac-finding-${f.id}`}
            >
              <span
                className="jp-StudioAbac-severity"
                data-severity={f.severity}
              >
                {f.severity}
              </span>{' '}
              <strong>{f.title}</strong>{' '}
              <code className="jp-StudioAbac-muted">{f.id}</code>
            </div>
            <p>{f.detail}</p>
            {f.statements.length > 0 && (
              <p className="jp-StudioAbac-muted">
                {trans.__(
                  'Statements: %1',
                  f.statements
                    .map(s => `${s.sid ?? '?'} (${s.policy})`)
                    .join(', ')
                )}
              </p>
            )}
            <Fix id={f.id} fix={f.fix} trans={trans} />
          </li>
        ))}
      </ul>
    </>
  );
}
