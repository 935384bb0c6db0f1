/**
 * The view of the "Team resources" sidebar: who you are, what to list, the list, one resource's details.
 */
import { Time } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  copyIcon,
  deleteIcon,
  HTMLSelect,
  InputGroup,
  refreshIcon,
  ToolbarButtonComponent
} from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useState } from 'react';

import { ResourcesModel } from '../model';
import {
  AttributeSource,
  IIdentity,
  IResource,
  RESOURCE_TYPES,
  ResourceType,
  Scope,
  SCOPES
} from '../tokens';
import { errorMessage } from './AccessDenied';
import { PolicyOriginLine } from './PolicyOrigin';
import { VirtualList } from './VirtualList';

/** What the rows and the header can ask the sidebar to do. */
export interface IResourceActions {
  newExperiment(): void;
  refresh(): void;
  delete(resource: IResource): void;
  why(resource: IResource): void;
  copyArn(resource: IResource): void;
}

export const ROW_HEIGHT = 44;

export function typeLabel(
  type: ResourceType,
  trans: TranslationBundle
): string {
  const labels: Record<ResourceType, string> = {
    experiment: trans.__('Experiments'),
    trial: trans.__('Trials'),
    'trial-component': trans.__('Trial components'),
    'training-job': trans.__('Training jobs'),
    model: trans.__('Models'),
    endpoint: trans.__('Endpoints')
  };
  return labels[type];
}

export function scopeLabel(scope: Scope, trans: TranslationBundle): string {
  const labels: Record<Scope, string> = {
    team: trans.__('My team'),
    mine: trans.__('Mine'),
    all: trans.__('All teams')
  };
  return labels[scope];
}

export function sourceLabel(
  source: AttributeSource,
  trans: TranslationBundle
): string {
  switch (source) {
    case 'role-tag':
      return trans.__("from your role's team tag");
    case 'user-tag':
      return trans.__("from your IAM user's tag");
    case 'session-tag':
      return trans.__("from your sign-in's session tag");
    case 'user-profile-tag':
      return trans.__("from your Studio user profile's tag");
    case 'config':
      return trans.__("from the extension's configuration");
    default:
      return trans.__('source unknown');
  }
}

export function IdentityHeader(props: {
  identity: IIdentity | null;
  error: unknown;
  trans: TranslationBundle;
}): JSX.Element {
  const { identity, error, trans } = props;
  if (error) {
    return (
      <div className="jp-StudioAbac-identity" role="alert">
        {trans.__('Could not tell who you are: %1', errorMessage(error, trans))}
      </div>
    );
  }
  if (!identity) {
    return (
      <div className="jp-StudioAbac-identity jp-StudioAbac-muted">
        {trans.__('Finding out who you are…')}
      </div>
    );
  }
  const user =
    identity.studioUserId.value ??
    identity.userName ??
    identity.sessionName ??
    identity.arn ??
    trans.__('unknown caller');
  return (
    <div
      className="jp-StudioAbac-identity"
      aria-label={trans.__('Signed in as')}
      role="group"
    >
      <div>
        <span className="jp-StudioAbac-muted">{trans.__('User')}</span>{' '}
        <strong>{user}</strong>
        {identity.studioUserId.value && (
          <>
            {' '}
            <span className="jp-StudioAbac-muted">
              {sourceLabel(identity.studioUserId.source, trans)}
            </span>
          </>
        )}
      </div>
      {identity.roleName && (
        <div
          className="jp-StudioAbac-muted jp-StudioAbac-ellipsis"
          title={identity.arn ?? ''}
        >
          {trans.__('Role %1', identity.roleName)}
        </div>
      )}
      <div>
        <span className="jp-StudioAbac-muted">{trans.__('Team')}</span>{' '}
        {identity.team.value ? (
          <>
            <strong>{identity.team.value}</strong>{' '}
            <span className="jp-StudioAbac-muted">
              {sourceLabel(identity.team.source, trans)}
            </span>
          </>
        ) : (
          <span className="jp-StudioAbac-warning">
            {trans.__(
              'none: %1',
              identity.team.reason ?? trans.__('no team tag found')
            )}
          </span>
        )}
      </div>
      <PolicyOriginLine origin={identity.policies} trans={trans} />
    </div>
  );
}

function formatCreated(
  created: string | null,
  trans: TranslationBundle
): string {
  if (!created) {
    return trans.__('unknown date');
  }
  return Time.formatHuman(created);
}

export function ResourceRow(props: {
  resource: IResource;
  selected: boolean;
  onSelect: (resource: IResource) => void;
  actions: IResourceActions;
  trans: TranslationBundle;
}): JSX.Element {
  const { resource, actions, trans } = props;
  const deletable = resource.type === 'experiment';
  const deleteDenied = resource.permissions.delete.decision === 'denied';
  return (
    <div
      className={
        'jp-StudioAbac-resourceRow' + (props.selected ? ' jp-mod-selected' : '')
      }
    >
      <button
        type="button"
        className="jp-StudioAbac-rowMain"
        aria-label={trans.__('Show details of %1', resource.name)}
        aria-pressed={props.selected}
        onClick={() => props.onSelect(resource)}
      >
        <span className="jp-StudioAbac-rowName">{resource.name}</span>
        <span className="jp-StudioAbac-rowMeta">
          <span>{resource.owner ?? trans.__('no owner')}</span>
          {resource.team && <span> · {resource.team}</span>}
          <span title={resource.created ?? ''}>
            {' '}
            · {formatCreated(resource.created, trans)}
          </span>
        </span>
      </button>
      <div className="jp-StudioAbac-rowActions">
        <ToolbarButtonComponent
          icon={copyIcon}
          tooltip={trans.__('Copy ARN %1', resource.name)}
          onClick={() => actions.copyArn(resource)}
        />
        {deletable && (
          <ToolbarButtonComponent
            icon={deleteIcon}
            tooltip={trans.__('Delete %1', resource.name)}
            onClick={() => actions.delete(resource)}
            className={deleteDenied ? 'jp-StudioAbac-deniedAction' : undefined}
          />
        )}
        {deletable && deleteDenied && (
          <button
            type="button"
            className="jp-StudioAbac-badge"
            aria-label={trans.__("Why can't I delete %1?", resource.name)}
            title={
              resource.permissions.delete.summary ??
              trans.__('Your policies deny this; select to see why.')
            }
            onClick={() => actions.why(resource)}
          >
            {trans.__('Denied')}
          </button>
        )}
      </div>
    </div>
  );
}

export function ResourceDetails(props: {
  resource: IResource;
  onClose: () => void;
  actions: IResourceActions;
  trans: TranslationBundle;
}): JSX.Element {
  const { resource, trans } = props;
  const tags = Object.entries(resource.tags);
  const permission = (label: string, p: IResource['permissions']['delete']) => (
    <div>
      <dt>{label}</dt>
      <dd>
        {p.decision === 'allowed'
          ? trans.__('allowed')
          : p.decision === 'denied'
            ? trans.__('denied')
            : trans.__('unknown')}
        {p.summary ? ` — ${p.summary}` : ''}
      </dd>
    </div>
  );
  return (
    <section
      className="jp-StudioAbac-details"
      aria-label={trans.__('Details of %1', resource.name)}
    >
      <div className="jp-StudioAbac-row">
        <h3 className="jp-StudioAbac-detailsTitle">{resource.name}</h3>
        <button
          type="button"
          className="jp-Button jp-mod-minimal jp-mod-styled"
          onClick={props.onClose}
        >
          {trans.__('Close details')}
        </button>
      </div>
      <dl className="jp-StudioAbac-fields">
        <div>
          <dt>{trans.__('ARN')}</dt>
          <dd className="jp-StudioAbac-arn">{resource.arn}</dd>
        </div>
        <div>
          <dt>{trans.__('Created')}</dt>
          <dd>
            {resource.created
              ? Time.format(resource.created)
              : trans.__('unknown')}
          </dd>
        </div>
        <div>
          <dt>{trans.__('Owner')}</dt>
          <dd>{resource.owner ?? trans.__('none')}</dd>
        </div>
        <div>
          <dt>{trans.__('Team')}</dt>
          <dd>{resource.team ?? trans.__('none')}</dd>
        </div>
        {permission(trans.__('Delete'), resource.permissions.delete)}
        {permission(trans.__('Update'), resource.permissions.update)}
      </dl>
      <table className="jp-StudioAbac-tags">
        <caption>{trans.__('Tags')}</caption>
        <thead>
          <tr>
            <th scope="col">{trans.__('Key')}</th>
            <th scope="col">{trans.__('Value')}</th>
          </tr>
        </thead>
        <tbody>
          {tags.length === 0 ? (
            <tr>
              <td colSpan={2}>{trans.__('No tags')}</td>
            </tr>
          ) : (
            tags.map(([key, value]) => (
              <tr key={key}>
                <td>{key}</td>
                <td>{value}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}

function ListState(props: {
  model: ResourcesModel;
  trans: TranslationBundle;
  actions: IResourceActions;
}): JSX.Element | null {
  const { model, trans } = props;
  if (model.status === 'error') {
    return (
      <div className="jp-StudioAbac-state" role="alert">
        <p>{errorMessage(model.error, trans)}</p>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept"
          onClick={() => props.actions.refresh()}
        >
          {trans.__('Try again')}
        </button>
      </div>
    );
  }
  if (model.status === 'loading' && model.items.length === 0) {
    return (
      <div className="jp-StudioAbac-state" role="status">
        {trans.__('Loading %1…', typeLabel(model.type, trans).toLowerCase())}
      </div>
    );
  }
  if (model.status === 'ready' && model.items.length === 0) {
    const what = typeLabel(model.type, trans).toLowerCase();
    return (
      <div className="jp-StudioAbac-state" role="status">
        <p>
          {model.query
            ? trans.__(
                'No %1 match "%2". Clear the search to see all.',
                what,
                model.query
              )
            : model.scope === 'all'
              ? trans.__('No %1 in this account yet.', what)
              : trans.__(
                  'No %1 for this scope yet. Choose "All teams" to see other teams\' work.',
                  what
                )}
        </p>
        {model.type === 'experiment' && (
          <p>{trans.__('Create one with "New experiment".')}</p>
        )}
      </div>
    );
  }
  return null;
}

function SearchBox(props: {
  value: string;
  onChange: (query: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const [text, setText] = useState(props.value);
  const { onChange } = props;
  useEffect(() => {
    // Wait for a pause in typing so each keystroke does not become a request.
    const timer = setTimeout(() => onChange(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text, onChange]);
  return (
    <InputGroup
      type="search"
      className="jp-StudioAbac-search"
      aria-label={props.trans.__('Search by name')}
      placeholder={props.trans.__('Search by name')}
      value={text}
      onChange={event => setText((event.target as HTMLInputElement).value)}
      rightIcon="ui-components:search"
    />
  );
}

export function ResourcesPanel(props: {
  model: ResourcesModel;
  actions: IResourceActions;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, actions, trans } = props;
  const [selectedArn, setSelectedArn] = useState<string | null>(null);
  const selected = model.items.find(item => item.arn === selectedArn) ?? null;
  const onQuery = useCallback((q: string) => void model.setQuery(q), [model]);
  const onEndReached = useCallback(() => {
    if (model.hasMore && model.status === 'ready') {
      void model.loadMore();
    }
  }, [model, model.hasMore, model.status]);
  return (
    <div className="jp-StudioAbac-panel">
      <header className="jp-StudioAbac-header">
        <h2 className="jp-StudioAbac-title">{trans.__('Team resources')}</h2>
        <IdentityHeader
          identity={model.identity}
          error={model.identityError}
          trans={trans}
        />
      </header>
      <div className="jp-StudioAbac-controls">
        <label className="jp-StudioAbac-field">
          <span>{trans.__('Type')}</span>
          <HTMLSelect
            aria-label={trans.__('Resource type')}
            value={model.type}
            onChange={event =>
              void model.setType(event.currentTarget.value as ResourceType)
            }
            options={RESOURCE_TYPES.map(type => ({
              value: type,
              label: typeLabel(type, trans)
            }))}
          />
        </label>
        <label className="jp-StudioAbac-field">
          <span>{trans.__('Scope')}</span>
          <HTMLSelect
            aria-label={trans.__('Scope')}
            value={model.scope}
            onChange={event =>
              void model.setScope(event.currentTarget.value as Scope)
            }
            options={SCOPES.map(scope => ({
              value: scope,
              label: scopeLabel(scope, trans)
            }))}
          />
        </label>
        <SearchBox value={model.query} onChange={onQuery} trans={trans} />
        <div className="jp-StudioAbac-row">
          <ToolbarButtonComponent
            icon={addIcon}
            label={trans.__('New experiment')}
            tooltip={trans.__('New experiment')}
            onClick={() => actions.newExperiment()}
          />
          <ToolbarButtonComponent
            icon={refreshIcon}
            tooltip={trans.__('Refresh the list')}
            onClick={() => actions.refresh()}
          />
          <span
            className="jp-StudioAbac-muted jp-StudioAbac-count"
            role="status"
          >
            {model.status === 'loading' && model.items.length > 0
              ? trans.__('Refreshing…')
              : model.status === 'ready'
                ? trans._n('%1 item', '%1 items', model.items.length) +
                  (model.hasMore ? '+' : '')
                : ''}
          </span>
        </div>
      </div>
      <ListState model={model} trans={trans} actions={actions} />
      {model.items.length > 0 && (
        <VirtualList
          items={model.items}
          rowHeight={ROW_HEIGHT}
          label={typeLabel(model.type, trans)}
          itemKey={item => item.arn}
          focusSelector=".jp-StudioAbac-rowMain"
          onEndReached={onEndReached}
          renderRow={item => (
            <ResourceRow
              resource={item}
              selected={item.arn === selectedArn}
              onSelect={r =>
                setSelectedArn(r.arn === selectedArn ? null : r.arn)
              }
              actions={actions}
              trans={trans}
            />
          )}
        />
      )}
      {selected && (
        <ResourceDetails
          resource={selected}
          onClose={() => setSelectedArn(null)}
          actions={actions}
          trans={trans}
        />
      )}
    </div>
  );
}
