import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { StudioAbacAPI } from './api';
import { classifyHealth } from './health';
import { EXTENSION_ID, TRANSLATION_DOMAIN } from './tokens';

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

const plugins: JupyterFrontEndPlugin<unknown>[] = [serverCheckPlugin];

export default plugins;
