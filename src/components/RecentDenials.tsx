/**
 * The admin view's recent denials: filters, the source that answered (and a running Athena
 * query's progress, polled until it ends), the table, and each denial's explanation.
 */
import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useState } from 'react';

import { StudioAbacAPI } from '../api';
import { IDenialEvent, IDenials } from '../tokens';
import { showRequestError } from './AccessDenied';
import { Breakable, DecisionView, principalName } from './DecisionView';
import { DenialsSource } from './DenialsSource';
import { ErrorNotice, reportIfDenied } from './ErrorNotice';

/** What the denials list needs of the API: the Athena calls only where that source exists. */
export type IDenialsAPI = Pick<StudioAbacAPI, 'denials' | 'simulate'> &
  Partial<Pick<StudioAbacAPI, 'denialsQuery' | 'cancelDenialsQuery'>>;

/** How often a running Athena denials query is asked for its progress. */
export const QUERY_POLL_MS = 1000;

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

/** Recent denials, filtered by user and action, each with an Explain button. */
export function RecentDenials(props: {
  api: IDenialsAPI;
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
