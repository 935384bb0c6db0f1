/**
 * The policy engine's explanation of a decision, readable by a person: which statements decided
 * (or came closest), the policy text around them with the failing condition marked, and the
 * compared values side by side.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import {
  IConditionTrace,
  IExplanation,
  IMissingKeyDeny,
  IPolicySource,
  IStatementTrace
} from '../tokens';

/** The statements worth showing: those that decided, or else the closest candidates. */
export function statementsToShow(explanation: IExplanation): {
  kind: 'deciding' | 'closest';
  statements: IStatementTrace[];
} {
  if (explanation.deciding.length > 0) {
    return { kind: 'deciding', statements: explanation.deciding };
  }
  return { kind: 'closest', statements: explanation.closest };
}

/** Conditions to mark: the failing ones, or for a statement that matched, all of them. */
export function conditionsToMark(
  statement: IStatementTrace
): IConditionTrace[] {
  const failing = statement.conditions.filter(c => !c.result);
  return failing.length > 0
    ? failing
    : statement.matched
      ? statement.conditions
      : [];
}

/** Lines `start..end` (1-based, inclusive) of a policy's text. */
export function excerpt(
  policy: IPolicySource | undefined,
  lines: number[]
): { number: number; text: string }[] {
  if (!policy || lines.length < 2) {
    return [];
  }
  const all = policy.text.split('\n');
  const [start, end] = lines;
  const result: { number: number; text: string }[] = [];
  for (let n = Math.max(1, start); n <= Math.min(end, all.length); n++) {
    result.push({ number: n, text: all[n - 1] });
  }
  return result;
}

/** Lines kept around a marked condition, and at the start of a statement (brace, Sid, Effect). */
const CONTEXT_LINES = 2;
const HEAD_LINES = 3;

/** One line of an excerpt, or a gap standing for the lines left out. */
export type ExcerptPart =
  | { kind: 'line'; number: number; text: string; marked: boolean }
  | { kind: 'gap'; count: number };

/**
 * The statement's text, shortened when a condition is marked: its head, the marked conditions
 * with a little context, and its last line, so the failing part is visible without scrolling.
 */
export function compactExcerpt(
  lines: { number: number; text: string }[],
  marked: number[][]
): ExcerptPart[] {
  const isMarked = (n: number) =>
    marked.some(([start, end]) => n >= start && n <= end);
  if (lines.length === 0) {
    return [];
  }
  const first = lines[0].number;
  const last = lines[lines.length - 1].number;
  const keep = (n: number) =>
    marked.length === 0 ||
    n < first + HEAD_LINES ||
    n === last ||
    marked.some(
      ([start, end]) => n >= start - CONTEXT_LINES && n <= end + CONTEXT_LINES
    );
  const parts: ExcerptPart[] = [];
  for (const line of lines) {
    if (keep(line.number)) {
      parts.push({ kind: 'line', ...line, marked: isMarked(line.number) });
      continue;
    }
    const previous = parts[parts.length - 1];
    if (previous?.kind === 'gap') {
      previous.count += 1;
    } else {
      parts.push({ kind: 'gap', count: 1 });
    }
  }
  return parts;
}

/**
 * Who a condition key describes, as a person would say it. `subject` names the principal when the
 * request is not the reader's own (an admin simulating a role), so it is not called "yours".
 */
export function sideLabel(
  key: string,
  trans: TranslationBundle,
  subject?: string
): string {
  const tag = key.split('/')[1] ?? '';
  if (/^aws:PrincipalTag\//i.test(key)) {
    return subject
      ? trans.__("%1's (%2 tag)", subject, tag)
      : trans.__('Yours (%1 tag)', tag);
  }
  if (/^[a-z0-9-]+:ResourceTag\//i.test(key)) {
    return trans.__("The resource's (%1 tag)", tag);
  }
  if (/^aws:RequestTag\//i.test(key)) {
    return trans.__("The request's (%1 tag)", tag);
  }
  if (/^aws:username$/i.test(key)) {
    return subject
      ? trans.__("%1's user name", subject)
      : trans.__('Your user name');
  }
  return key;
}

/** The label of the policy side: the variable it resolved, or the literal policy value. */
function policySideLabel(
  condition: IConditionTrace,
  trans: TranslationBundle,
  subject?: string
): string {
  const variable = condition.policyValues
    .map(v => /^\$\{([^}]+)\}$/.exec(v)?.[1])
    .find(v => v !== undefined);
  return variable
    ? sideLabel(variable, trans, subject)
    : trans.__('Required by the policy');
}

function show(values: (string | null)[], trans: TranslationBundle): string {
  const shown = values.filter((v): v is string => v !== null);
  return shown.length > 0 ? shown.join(', ') : trans.__('(none)');
}

function ComparedValues(props: {
  condition: IConditionTrace;
  trans: TranslationBundle;
  subject?: string;
}): JSX.Element {
  const { condition, trans, subject } = props;
  const policyValues = condition.resolvedPolicyValues.some(v => v !== null)
    ? condition.resolvedPolicyValues
    : condition.policyValues;
  return (
    <div className="jp-StudioAbac-compare">
      <div className="jp-StudioAbac-compareHead">
        <code>{condition.operator}</code> <span>{condition.reason}</span>
      </div>
      <dl className="jp-StudioAbac-compareValues">
        <div className="jp-StudioAbac-compareSide">
          <dt>{sideLabel(condition.key, trans, subject)}</dt>
          <dd>
            {condition.keyPresent
              ? show(condition.requestValues, trans)
              : trans.__('(missing from the request)')}
          </dd>
        </div>
        <div className="jp-StudioAbac-compareSide">
          <dt>{policySideLabel(condition, trans, subject)}</dt>
          <dd>{show(policyValues, trans)}</dd>
        </div>
      </dl>
    </div>
  );
}

function PolicyExcerpt(props: {
  statement: IStatementTrace;
  policy: IPolicySource | undefined;
  marked: IConditionTrace[];
  trans: TranslationBundle;
}): JSX.Element | null {
  const { statement, policy, marked, trans } = props;
  const lines = excerpt(policy, statement.lines);
  if (lines.length === 0) {
    return null;
  }
  const parts = compactExcerpt(
    lines,
    marked.filter(c => c.lines.length > 1).map(c => c.lines)
  );
  return (
    <pre
      className="jp-StudioAbac-excerpt"
      aria-label={trans.__(
        'Policy %1, lines %2 to %3',
        statement.policy,
        statement.lines[0],
        statement.lines[1]
      )}
    >
      {parts.map((part, i) => {
        if (part.kind === 'gap') {
          return (
            <span
              key={`gap-${i}`}
              className="jp-StudioAbac-excerptLine jp-StudioAbac-excerptGap"
            >
              <span className="jp-StudioAbac-lineNo" aria-hidden="true">
                ⋮
              </span>
              {trans._n(
                '(%1 line left out)',
                '(%1 lines left out)',
                part.count
              )}
              {'\n'}
            </span>
          );
        }
        const content = (
          <>
            <span className="jp-StudioAbac-lineNo" aria-hidden="true">
              {part.number}
            </span>
            {part.marked && (
              <span className="jp-StudioAbac-visuallyHidden">
                {trans.__('Failing condition:')}{' '}
              </span>
            )}
            {part.text}
            {'\n'}
          </>
        );
        return part.marked ? (
          <mark key={part.number} className="jp-StudioAbac-excerptLine">
            {content}
          </mark>
        ) : (
          <span key={part.number} className="jp-StudioAbac-excerptLine">
            {content}
          </span>
        );
      })}
    </pre>
  );
}

export function StatementView(props: {
  statement: IStatementTrace;
  policies: IPolicySource[];
  trans: TranslationBundle;
  subject?: string;
}): JSX.Element {
  const { statement, policies, trans, subject } = props;
  const marked = conditionsToMark(statement);
  const policy = policies.find(p => p.name === statement.policy);
  const title = statement.sid ?? trans.__('statement %1', statement.index + 1);
  return (
    <section
      className="jp-StudioAbac-statement"
      aria-label={trans.__(
        'Statement %1 of policy %2',
        title,
        statement.policy
      )}
    >
      <h4 className="jp-StudioAbac-statementTitle">
        <span className="jp-StudioAbac-effect" data-effect={statement.effect}>
          {statement.effect}
        </span>{' '}
        <code>{title}</code>{' '}
        <span className="jp-StudioAbac-muted">
          {trans.__('in policy %1', statement.policy)}
        </span>
      </h4>
      {marked.map((condition, i) => (
        <ComparedValues
          key={i}
          condition={condition}
          trans={trans}
          subject={subject}
        />
      ))}
      <PolicyExcerpt
        statement={statement}
        policy={policy}
        marked={marked}
        trans={trans}
      />
    </section>
  );
}

/**
 * What to do when a Deny applied only because the request lacked `key`: supply the key, which
 * depends on who carries it (the resource's tags, the request's tags, the principal's tags).
 */
export function missingKeyAdvice(
  key: string,
  trans: TranslationBundle,
  subject?: string
): string {
  const tag = key.split('/')[1] ?? '';
  if (/^[a-z0-9-]+:ResourceTag\//i.test(key)) {
    return trans.__(
      'The resource has no %1 tag: ask its owner or an admin to tag it, then try again.',
      tag
    );
  }
  if (/^aws:RequestTag\//i.test(key)) {
    return trans.__('Send the %1 tag with the request.', tag);
  }
  if (/^aws:PrincipalTag\//i.test(key)) {
    return subject
      ? trans.__('%1 has no %2 tag: tag it, then simulate again.', subject, tag)
      : trans.__(
          'Your role has no %1 tag: ask an admin to tag it, then sign in again.',
          tag
        );
  }
  if (/^aws:TagKeys$/i.test(key)) {
    return trans.__('Send tags with the request.');
  }
  return trans.__(
    'The request must carry %1: ask an admin where it comes from.',
    key
  );
}

/** The Deny statements that refused only for what the request lacks, with what to do. */
export function MissingKeyDenials(props: {
  denials: IMissingKeyDeny[];
  trans: TranslationBundle;
  subject?: string;
}): JSX.Element | null {
  const { denials, trans, subject } = props;
  if (denials.length === 0) {
    return null;
  }
  return (
    <section
      className="jp-StudioAbac-missingDenials"
      aria-label={trans.__('Denied only for what the request lacks')}
    >
      <p>
        {trans._n(
          'This Deny applies only because the request lacks a key; it would not apply if the key were there:',
          'These Deny statements apply only because the request lacks keys; they would not apply if the keys were there:',
          denials.length
        )}
      </p>
      <ul>
        {denials.map(denial => {
          const title =
            denial.sid ?? trans.__('statement %1', denial.index + 1);
          return (
            <li key={`${denial.policy}-${denial.index}`}>
              <code>{title}</code>{' '}
              {trans.__(
                'in policy %1 (lines %2 to %3), for the missing',
                denial.policy,
                denial.lines[0],
                denial.lines[1]
              )}
              <ul>
                {denial.missingKeys.map(key => (
                  <li key={key}>
                    <code>{key}</code>
                    {': '}
                    {missingKeyAdvice(key, trans, subject)}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function ExplanationView(props: {
  explanation: IExplanation;
  trans: TranslationBundle;
  showSummary?: boolean;
  /** The principal's name, when the reader is not that principal. */
  subject?: string;
}): JSX.Element {
  const { explanation, trans } = props;
  const { kind, statements } = statementsToShow(explanation);
  return (
    <div className="jp-StudioAbac-explanation">
      {props.showSummary !== false && (
        <p className="jp-StudioAbac-summary">{explanation.summary}</p>
      )}
      <MissingKeyDenials
        denials={explanation.denyBecauseMissing ?? []}
        trans={trans}
        subject={props.subject}
      />
      {statements.length > 0 && (
        <p className="jp-StudioAbac-muted">
          {kind === 'deciding'
            ? trans.__('The statements that decided:')
            : trans.__(
                'No statement allows this; the closest ones failed a condition:'
              )}
        </p>
      )}
      {statements.map((statement, i) => (
        <StatementView
          key={`${statement.policy}-${statement.index}-${i}`}
          statement={statement}
          policies={explanation.policies}
          trans={trans}
          subject={props.subject}
        />
      ))}
      {explanation.missingContextKeys.length > 0 && (
        <p>
          {trans.__(
            'Keys the policies use but the request did not carry: %1',
            explanation.missingContextKeys.join(', ')
          )}
        </p>
      )}
      {explanation.unevaluable.length > 0 && (
        <ul aria-label={trans.__('Statements that could not be evaluated')}>
          {explanation.unevaluable.map((u, i) => (
            <li key={i}>
              {trans.__('%1 in %2: %3', u.sid ?? '?', u.policy, u.reason)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
