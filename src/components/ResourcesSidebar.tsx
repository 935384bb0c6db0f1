/**
 * The "Team resources" sidebar widget: the panel, its model, and what its buttons do.
 */
import {
  Clipboard,
  Dialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { StudioAbacAPI } from '../api';
import { ResourcesModel } from '../model';
import { IResource } from '../tokens';
import { showRequestError } from './AccessDenied';
import { ExplanationView } from './ExplanationView';
import { showNewExperimentDialog } from './NewExperimentDialog';
import { IResourceActions, ResourcesPanel } from './ResourcesPanel';

/** The IAM action behind each row action, to ask the server why it is denied. */
const DELETE_ACTION: Record<string, string> = {
  experiment: 'sagemaker:DeleteExperiment'
};

export class ResourcesSidebar extends ReactWidget implements IResourceActions {
  constructor(
    readonly model: ResourcesModel,
    private readonly _api: StudioAbacAPI,
    private readonly _trans: TranslationBundle,
    icon: LabIcon
  ) {
    super();
    this.id = 'studio-abac-ext-resources';
    this.addClass('jp-StudioAbac-sidebar');
    this.title.icon = icon;
    this.title.caption = _trans.__('Team resources');
    this.title.label = '';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', _trans.__('Team resources'));
  }

  /** Poll every `seconds` while the sidebar is shown (0: never). */
  setRefreshInterval(seconds: number): void {
    this._refreshInterval = seconds;
    this.model.startPolling(seconds, () => this.isVisible);
  }

  newExperiment(): void {
    void showNewExperimentDialog(
      this._api,
      this.model.identity,
      this._trans
    ).then(created => {
      if (created) {
        this.model.addCreated(created);
        Notification.success(
          this._trans.__('Experiment %1 created.', created.name),
          { autoClose: 3000 }
        );
      }
    });
  }

  refresh(): void {
    void this.model.refresh();
  }

  copyArn(resource: IResource): void {
    Clipboard.copyToSystem(resource.arn);
    Notification.info(this._trans.__('Copied the ARN of %1.', resource.name), {
      autoClose: 2000
    });
  }

  async delete(resource: IResource): Promise<void> {
    const trans = this._trans;
    const confirm = await showDialog({
      title: trans.__('Delete experiment'),
      body: trans.__(
        'Delete the experiment "%1"? This cannot be undone.',
        resource.name
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Delete') })
      ]
    });
    if (!confirm.button.accept) {
      return;
    }
    try {
      await this._api.deleteExperiment(resource.name);
      this.model.removeItem(resource.arn);
      Notification.success(trans.__('Experiment %1 deleted.', resource.name), {
        autoClose: 3000
      });
    } catch (error) {
      await showRequestError(
        error,
        {
          label: `Delete experiment ${resource.name}`,
          method: 'DELETE',
          path: `experiments/${resource.name}`
        },
        trans
      );
    }
  }

  async why(resource: IResource): Promise<void> {
    const trans = this._trans;
    const action = DELETE_ACTION[resource.type];
    let body: JSX.Element = <p>{resource.permissions.delete.summary}</p>;
    if (action) {
      try {
        const result = await this._api.explain({
          action,
          resource: resource.arn
        });
        if (result.explanation) {
          body = (
            <ExplanationView explanation={result.explanation} trans={trans} />
          );
        } else {
          body = <p>{result.summary}</p>;
        }
      } catch (error) {
        await showRequestError(error, { label: `Explain ${action}` }, trans);
        return;
      }
    }
    await showDialog({
      title: trans.__('Why you cannot delete %1', resource.name),
      body: ReactWidget.create(
        <div className="jp-StudioAbac-denied">{body}</div>
      ),
      buttons: [Dialog.okButton({ label: trans.__('Close') })]
    });
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    // Catch up on what changed while the sidebar was hidden (polling pauses then).
    if (this._refreshInterval > 0 && this.model.status === 'ready') {
      void this.model.refresh({ quiet: true });
    }
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <ResourcesPanel
            model={this.model}
            actions={this}
            trans={this._trans}
          />
        )}
      </UseSignal>
    );
  }

  private _refreshInterval = 0;
}
