/**
 * The "Policy denials" admin view: recent denials with their explanations, a simulator, and the
 * isolation checker's findings.
 */
import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useState } from 'react';

import { StudioAbacAPI } from '../api';
import {
  IDecisionResult,
  IDenialEvent,
  IDenials,
  IFinding,
  ISimulateRequest
} from '../tokens';
import { StudioAbacResponseError } from '../api';
import {
  errorMessage,
  showAccessDenied,
  showRequestError
} from './AccessDenied';
import { DenialsSource } from './DenialsSource';
import { ExplanationView } from './ExplanationView';
import { IsolationFindings } from './IsolationFindings';

export type IAdminAPI = Pick<
  StudioAbacAPI,
  'denials' | 'simulate' | 'isolation'
> &
  Partial<Pick<StudioAbacAPI, 'denialsQuery' | 'cancelDenialsQuery'>>;

/** How often a running Athena denials query is asked for its progress. */
export const QUERY_POLL_MS = 1000;

export { formatBytes } from './DenialsSource';

/** `key=value` lines (or comma-separated pairs) as a tag map; returns the bad entry on error. */
export function parseTagLines(
  text: string
): { tags: Record<string, string> } | { bad: string } {
  const tags: Record<string, string> = {};
  for (const entry of text.split(/[\n,]/)) {
    const trimmed = entry.trim();
    if (!trimmed) {
      continue;
    }
    const at = trimmed.indexOf('=');
    if (at <= 0) {
      return { bad: trimmed };
    }
    tags[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return { tags };
}

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

/**
 * A failure shown in place; an access denial also offers its explanation (and opens it at once
 * when the user asked for the action, rather than when the view loaded).
 */
function ErrorNotice(props: {
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

async function reportIfDenied(
  error: unknown,
  label: string,
  trans: TranslationBundle
): Promise<void> {
  if (error instanceof StudioAbacResponseError && error.accessDenied) {
    await showAccessDenied(error.accessDenied, { label }, trans);
  }
}

function DecisionView(props: {
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

/** One denial: when, who (the person, and the role they acted through), what on which resource. */
function DenialRow(props: {
  event: IDenialEvent;
  onExplain: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { event, trans } = props;
  return (
    <tr>
      <td>
        <time dateTime={event.time} title={event.time}>
          {new Date(event.time).toLocaleString()}
        </time>
      </td>
      <td title={event.principal}>
        <span className="jp-StudioAbac-who">
          {event.user ?? principalName(event.principal)}
        </span>
        {event.user && (
          <span className="jp-StudioAbac-muted jp-StudioAbac-whoRole">
            {principalName(event.principal)}
          </span>
        )}
      </td>
      <td>
        <code className="jp-StudioAbac-denialAction">
          <Breakable text={event.action} />
        </code>
        <span className="jp-StudioAbac-arn jp-StudioAbac-muted jp-StudioAbac-denialResource">
          {event.resource ? <Breakable text={event.resource} /> : '—'}
        </span>
      </td>
      <td>
        <button
          type="button"
          className="jp-StudioAbac-rowButton"
          aria-label={trans.__(
            'Explain the denial of %1 to %2',
            event.action,
            event.user ?? event.principal
          )}
          onClick={props.onExplain}
        >
          {trans.__('Explain')}
        </button>
      </td>
    </tr>
  );
}

function Denials(props: {
  api: IAdminAPI;
  trans: TranslationBundle;
}): JSX.Element {
  const { api, trans } = props;
  const [user, setUser] = useState('');
  const [action, setAction] = useState('');
  const [events, setEvents] = useState<IDenialEvent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [answer, setAnswer] = useState<IDenials | null>(null);
  const show = (next: IDenials) => {
    setAnswer(next);
    const running =
      next.query?.state === 'QUEUED' || next.query?.state === 'RUNNING';
    setEvents(running ? null : next.events);
  };
  const load = useCallback(
    async (askedByUser: boolean) => {
      setError(null);
      try {
        show(await api.denials({ user, action, limit: 50 }));
      } catch (e) {
        setEvents([]);
        setError(e);
        if (askedByUser) {
          await reportIfDenied(e, 'List recent denials', trans);
        }
      }
    },
    [api, user, action, trans]
  );
  useEffect(() => {
    void load(false);
    // Load once on open; later loads follow the filters' "Apply".
  }, []);
  const query = answer?.query;
  const running = query?.state === 'QUEUED' || query?.state === 'RUNNING';
  useEffect(() => {
    // A running Athena query: ask for its progress until it ends.
    if (!running || !query || !api.denialsQuery) {
      return;
    }
    const timer = setTimeout(() => {
      api.denialsQuery?.(query.id).then(show, e => {
        setEvents([]);
        setError(e);
      });
    }, QUERY_POLL_MS);
    return () => clearTimeout(timer);
  }, [answer]);
  const cancel =
    running && query && api.cancelDenialsQuery
      ? () => {
          api.cancelDenialsQuery?.(query.id).then(show, e => setError(e));
        }
      : null;

  const explain = async (event: IDenialEvent) => {
    try {
      const result = await api.simulate({
        principal: event.principal,
        action: event.action,
        resource: event.resource ?? '*'
      });
      const title = trans.__('Why %1 was denied', event.action);
      const dialog = new Dialog({
        title,
        body: ReactWidget.create(
          <div className="jp-StudioAbac-denied">
            <p>{event.message}</p>
            <DecisionView result={result} trans={trans} />
          </div>
        ),
        buttons: [Dialog.okButton({ label: trans.__('Close') })]
      });
      // A dialog with a widget body has no accessible name of its own: give it its title.
      dialog.node.setAttribute('aria-label', title);
      await dialog.launch();
    } catch (e) {
      await showRequestError(e, { label: `Explain ${event.action}` }, trans);
    }
  };

  return (
    <section
      aria-labelledby="jp-StudioAbac-denialsTitle"
      className="jp-StudioAbac-adminSection"
    >
      <h2 id="jp-StudioAbac-denialsTitle">{trans.__('Recent denials')}</h2>
      <form
        className="jp-StudioAbac-row jp-StudioAbac-adminFilters"
        onSubmit={e => {
          e.preventDefault();
          void load(true);
        }}
      >
        <input
          className="jp-mod-styled"
          aria-label={trans.__('Filter by user')}
          placeholder={trans.__('User or role')}
          value={user}
          onChange={e => setUser(e.target.value)}
        />
        <input
          className="jp-mod-styled"
          aria-label={trans.__('Filter by action')}
          placeholder={trans.__('Action, e.g. s3:GetObject')}
          value={action}
          onChange={e => setAction(e.target.value)}
        />
        <button type="submit" className="jp-Button jp-mod-styled jp-mod-accept">
          {trans.__('Apply filters')}
        </button>
      </form>
      <DenialsSource
        source={answer?.source}
        query={query}
        onCancel={cancel}
        trans={trans}
      />
      <ErrorNotice error={error} label="List recent denials" trans={trans} />
      {events === null ? (
        <p role="status">
          {running
            ? trans.__('Querying the organisation trail…')
            : trans.__('Loading denials…')}
        </p>
      ) : events.length === 0 ? (
        !error && (
          <p role="status">
            {trans.__(
              'No denials recorded for these filters. They appear here once CloudTrail has them.'
            )}
          </p>
        )
      ) : (
        <table className="jp-StudioAbac-table jp-StudioAbac-denialsTable">
          <caption className="jp-StudioAbac-visuallyHidden">
            {trans.__('Recent denials')}
          </caption>
          <colgroup>
            <col className="jp-StudioAbac-colTime" />
            <col className="jp-StudioAbac-colWho" />
            <col />
            <col className="jp-StudioAbac-colExplain" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">{trans.__('Time')}</th>
              <th scope="col">{trans.__('Who')}</th>
              <th scope="col">{trans.__('Action and resource')}</th>
              <th scope="col">
                <span className="jp-StudioAbac-visuallyHidden">
                  {trans.__('Explanation')}
                </span>
              </th>
            </tr>
          </thead>
          <tbody>
            {events.map(event => (
              <DenialRow
                key={event.id}
                event={event}
                onExplain={() => void explain(event)}
                trans={trans}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Simulate(props: {
  api: IAdminAPI;
  trans: TranslationBundle;
}): JSX.Element {
  const { api, trans } = props;
  const [principal, setPrincipal] = useState('');
  const [action, setAction] = useState('sagemaker:DeleteExperiment');
  const [resource, setResource] = useState('');
  const [resourceTags, setResourceTags] = useState('');
  const [requestTags, setRequestTags] = useState('');
  const [result, setResult] = useState<IDecisionResult | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async () => {
    const parsedResource = parseTagLines(resourceTags);
    const parsedRequest = parseTagLines(requestTags);
    for (const parsed of [parsedResource, parsedRequest]) {
      if ('bad' in parsed) {
        setError(trans.__('"%1" is not key=value.', parsed.bad));
        return;
      }
    }
    setError(null);
    const request: ISimulateRequest = {
      principal,
      action,
      resource: resource || '*'
    };
    // Left out, the server reads the resource's live tags instead of assuming it has none.
    if ('tags' in parsedResource && resourceTags.trim()) {
      request.resourceTags = parsedResource.tags;
    }
    if ('tags' in parsedRequest && requestTags.trim()) {
      request.requestTags = parsedRequest.tags;
    }
    try {
      setResult(await api.simulate(request));
    } catch (e) {
      setResult(null);
      setError(e);
      await reportIfDenied(e, `Simulate ${action}`, trans);
    }
  };

  const field = (
    label: string,
    value: string,
    set: (v: string) => void,
    hint = ''
  ) => (
    <label className="jp-StudioAbac-formField">
      <span>{label}</span>
      <input
        className="jp-mod-styled"
        value={value}
        placeholder={hint}
        onChange={e => set(e.target.value)}
      />
    </label>
  );

  return (
    <section
      aria-labelledby="jp-StudioAbac-simulateTitle"
      className="jp-StudioAbac-adminSection"
    >
      <h2 id="jp-StudioAbac-simulateTitle">{trans.__('Simulate')}</h2>
      <form
        className="jp-StudioAbac-form"
        onSubmit={e => {
          e.preventDefault();
          void run();
        }}
      >
        {field(
          trans.__('Principal'),
          principal,
          setPrincipal,
          trans.__('role or user name, or ARN')
        )}
        {field(trans.__('Action'), action, setAction)}
        {field(
          trans.__('Resource'),
          resource,
          setResource,
          'arn:aws:sagemaker:…'
        )}
        {field(
          trans.__('Resource tags'),
          resourceTags,
          setResourceTags,
          trans.__("team=TeamA (empty: the resource's current tags)")
        )}
        {field(
          trans.__('Request tags'),
          requestTags,
          setRequestTags,
          'team=TeamB'
        )}
        <div>
          <button
            type="submit"
            className="jp-Button jp-mod-styled jp-mod-accept"
          >
            {trans.__('Simulate')}
          </button>
        </div>
      </form>
      <ErrorNotice error={error} label={`Simulate ${action}`} trans={trans} />
      {result && <DecisionView result={result} trans={trans} />}
    </section>
  );
}

function Isolation(props: {
  api: IAdminAPI;
  trans: TranslationBundle;
}): JSX.Element {
  const { api, trans } = props;
  const [role, setRole] = useState('');
  const [findings, setFindings] = useState<IFinding[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);
  const run = async () => {
    setChecking(true);
    setError(null);
    try {
      setFindings((await api.isolation(role || undefined)).findings);
    } catch (e) {
      setFindings(null);
      setError(e);
      await reportIfDenied(e, 'Check isolation', trans);
    } finally {
      setChecking(false);
    }
  };
  return (
    <section
      aria-labelledby="jp-StudioAbac-isolationTitle"
      className="jp-StudioAbac-adminSection"
    >
      <h2 id="jp-StudioAbac-isolationTitle">{trans.__('Isolation check')}</h2>
      <form
        className="jp-StudioAbac-row jp-StudioAbac-adminFilters"
        onSubmit={e => {
          e.preventDefault();
          void run();
        }}
      >
        <input
          className="jp-mod-styled"
          aria-label={trans.__('Role to check')}
          placeholder={trans.__('Role name or ARN (default: yours)')}
          value={role}
          onChange={e => setRole(e.target.value)}
        />
        <button
          type="submit"
          className="jp-Button jp-mod-styled jp-mod-accept"
          disabled={checking}
        >
          {checking ? trans.__('Checking…') : trans.__('Check isolation')}
        </button>
      </form>
      <ErrorNotice error={error} label="Check isolation" trans={trans} />
      {findings && <IsolationFindings findings={findings} trans={trans} />}
    </section>
  );
}

export function AdminPanel(props: {
  api: IAdminAPI;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <div className="jp-StudioAbac-admin">
      <Denials api={props.api} trans={props.trans} />
      <Simulate api={props.api} trans={props.trans} />
      <Isolation api={props.api} trans={props.trans} />
    </div>
  );
}
