import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { StudioAbacAPI } from './api';
import { AdminPanel } from './components/AdminPanel';
import { ResourcesSidebar } from './components/ResourcesSidebar';
import { classifyHealth } from './health';
import { teamResourcesIcon } from './icons';
import { ResourcesModel } from './model';
import { denialOutputsPlugin } from './notebook/plugin';
import {
  CommandIDs,
  EXTENSION_ID,
  RESOURCE_TYPES,
  ResourceType,
  SETTINGS_PLUGIN_ID,
  TRANSLATION_DOMAIN
} from './tokens';

/** The palette category of every command of the extension. */
const PALETTE_CATEGORY = 'Studio ABAC';

// The frontend's own version: the bundler embeds package.json, the single source of the version.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const FRONTEND_VERSION = require('../package.json').version;

/**
 * Checks at start-up that the server extension is installed and of the same version, and says
 * clearly what to do when it is not (the jupyterlab-git pattern).
 */
const serverCheckPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:server-check`,
  description:
    'Checks that the studio-abac-ext server extension is installed and matches.',
  autoStart: true,
  optional: [ITranslator],
  activate: async (app: JupyterFrontEnd, translator: ITranslator | null) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const api = new StudioAbacAPI(app.serviceManager.serverSettings);
    let result;
    try {
      result = { health: await api.health() };
    } catch (error) {
      result = { error };
    }
    const status = classifyHealth(FRONTEND_VERSION, result);
    switch (status.kind) {
      case 'ok':
        console.info(
          `${EXTENSION_ID}: server extension ${status.version} is active`
        );
        break;
      case 'missing':
        Notification.error(
          trans.__(
            'The studio-abac-ext server extension is not available (%1). Install it with `pip install studio-abac-ext` and restart JupyterLab.',
            status.detail
          ),
          { autoClose: false }
        );
        break;
      case 'mismatch':
        Notification.warning(
          trans.__(
            'studio-abac-ext versions differ: frontend %1, server extension %2. Reinstall studio-abac-ext and restart JupyterLab.',
            status.frontendVersion,
            status.serverVersion
          ),
          { autoClose: false }
        );
        break;
    }
  }
};

/** The settings of the sidebar, read from `schema/plugin.json`. */
interface ISidebarSettings {
  defaultResourceType: ResourceType;
  pageSize: number;
  refreshInterval: number;
}

function readSettings(
  settings: ISettingRegistry.ISettings | null
): ISidebarSettings {
  const type = settings?.get('defaultResourceType').composite as ResourceType;
  const pageSize = settings?.get('pageSize').composite;
  const refreshInterval = settings?.get('refreshInterval').composite;
  return {
    defaultResourceType: RESOURCE_TYPES.includes(type) ? type : 'experiment',
    pageSize: typeof pageSize === 'number' ? pageSize : 200,
    refreshInterval: typeof refreshInterval === 'number' ? refreshInterval : 60
  };
}

/**
 * The "Team resources" sidebar and the "New experiment" dialog, with their commands and settings.
 */
const resourcesPlugin: JupyterFrontEndPlugin<void> = {
  id: SETTINGS_PLUGIN_ID,
  description:
    "Lists the team's SageMaker resources and creates tagged experiments.",
  autoStart: true,
  optional: [ISettingRegistry, ILayoutRestorer, ICommandPalette, ITranslator],
  activate: async (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const api = new StudioAbacAPI(app.serviceManager.serverSettings);
    let settings: ISettingRegistry.ISettings | null = null;
    if (settingRegistry) {
      try {
        settings = await settingRegistry.load(SETTINGS_PLUGIN_ID);
      } catch (reason) {
        console.warn(`${EXTENSION_ID}: could not load settings`, reason);
      }
    }
    const initial = readSettings(settings);
    const model = new ResourcesModel(api, {
      type: initial.defaultResourceType,
      pageSize: initial.pageSize
    });
    const sidebar = new ResourcesSidebar(model, api, trans, teamResourcesIcon);
    sidebar.setRefreshInterval(initial.refreshInterval);
    settings?.changed.connect(() => {
      const current = readSettings(settings);
      model.pageSize = current.pageSize;
      sidebar.setRefreshInterval(current.refreshInterval);
    });
    app.shell.add(sidebar, 'left', { rank: 650 });
    restorer?.add(sidebar, sidebar.id);

    app.commands.addCommand(CommandIDs.openResources, {
      label: trans.__('Show Team Resources'),
      caption: trans.__('Open the "Team resources" sidebar'),
      icon: teamResourcesIcon,
      execute: () => app.shell.activateById(sidebar.id)
    });
    app.commands.addCommand(CommandIDs.refreshResources, {
      label: trans.__('Refresh Team Resources'),
      execute: () => model.refresh()
    });
    app.commands.addCommand(CommandIDs.newExperiment, {
      label: trans.__('New Experiment…'),
      caption: trans.__('Create a SageMaker experiment tagged with your team'),
      execute: () => sidebar.newExperiment()
    });
    for (const command of [
      CommandIDs.openResources,
      CommandIDs.refreshResources,
      CommandIDs.newExperiment
    ]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }

    // Not awaited: a slow AWS must not hold up JupyterLab's start-up.
    void model.loadIdentity().then(() => model.refresh());
  }
};

/**
 * The "Policy denials" admin view: recent denials, a simulator and the isolation findings.
 */
const adminPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:admin`,
  description:
    'Shows recent policy denials, simulates requests and checks isolation.',
  autoStart: true,
  optional: [ILayoutRestorer, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const api = new StudioAbacAPI(app.serviceManager.serverSettings);
    const tracker = new WidgetTracker<MainAreaWidget<ReactWidget>>({
      namespace: `${EXTENSION_ID}-admin`
    });
    app.commands.addCommand(CommandIDs.openDenials, {
      label: trans.__('Policy Denials'),
      caption: trans.__(
        'Recent access denials, a policy simulator and the isolation check'
      ),
      execute: () => {
        const open = tracker.currentWidget;
        if (open && !open.isDisposed) {
          app.shell.activateById(open.id);
          return;
        }
        const content = ReactWidget.create(
          <AdminPanel api={api} trans={trans} />
        );
        const widget = new MainAreaWidget({ content });
        widget.id = `${EXTENSION_ID}-policy-denials`;
        widget.title.label = trans.__('Policy denials');
        widget.title.icon = teamResourcesIcon;
        widget.title.closable = true;
        void tracker.add(widget);
        app.shell.add(widget, 'main');
        app.shell.activateById(widget.id);
      }
    });
    palette?.addItem({
      command: CommandIDs.openDenials,
      category: PALETTE_CATEGORY
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openDenials,
        name: () => 'policy-denials'
      });
    }
  }
};

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  serverCheckPlugin,
  resourcesPlugin,
  adminPlugin,
  denialOutputsPlugin
];

export default plugins;
