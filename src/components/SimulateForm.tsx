/**
 * The admin view's simulator: a principal, action, resource and tags in, the engine's decision
 * and explanation out.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { StudioAbacAPI } from '../api';
import { IDecisionResult, ISimulateRequest } from '../tokens';
import { DecisionView } from './DecisionView';
import { ErrorNotice, reportIfDenied } from './ErrorNotice';

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

/** The simulate form and its result. */
export function SimulateForm(props: {
  api: Pick<StudioAbacAPI, 'simulate'>;
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
