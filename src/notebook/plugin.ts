/**
 * Notebook integration: the "Why was this denied?" button under every output that holds an
 * AWS denial (see renderers.tsx); the kernel's own denial output is the MIME renderer extension
 * of denialMime.tsx.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { StudioAbacAPI } from '../api';
import { EXTENSION_ID, TRANSLATION_DOMAIN } from '../tokens';
import { wrapDenialRenderers } from './renderers';

export const denialOutputsPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:denial-outputs`,
  description:
    'Offers "Why was this denied?" under notebook and console outputs that hold an AWS denial.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const api = new StudioAbacAPI(app.serviceManager.serverSettings);
    wrapDenialRenderers(rendermime, api, trans);
  }
};
