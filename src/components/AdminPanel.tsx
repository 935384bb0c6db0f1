/**
 * The "Policy denials" admin view: recent denials with their explanations, a simulator, and the
 * isolation checker's findings.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { StudioAbacAPI } from '../api';
import { IFinding } from '../tokens';
import { ErrorNotice, reportIfDenied } from './ErrorNotice';
import { IsolationFindings } from './IsolationFindings';
import { IDenialsAPI, RecentDenials } from './RecentDenials';
import { SimulateForm } from './SimulateForm';

export type IAdminAPI = IDenialsAPI & Pick<StudioAbacAPI, 'isolation'>;

/** Check a role (default: the caller's) for isolation findings. */
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
      <RecentDenials api={props.api} trans={props.trans} />
      <SimulateForm api={props.api} trans={props.trans} />
      <Isolation api={props.api} trans={props.trans} />
    </div>
  );
}
