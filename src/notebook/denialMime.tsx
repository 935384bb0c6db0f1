/**
 * The kernel's denial output (`application/vnd.studio-abac.denial+json`, see
 * docs/notebook.md) rendered as an explanation card: the exact request AWS refused and the
 * "Why was this denied?" button. A MIME renderer extension, so a notebook reopened from disk
 * renders it too.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ServerConnection } from '@jupyterlab/services';
import { TranslationBundle, nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';
import React from 'react';

import { StudioAbacAPI } from '../api';
import {
  EXTENSION_ID,
  IDenialMessageRequest,
  TRANSLATION_DOMAIN
} from '../tokens';
import { DenialButton } from './DenialButton';
import { boto3Phrase, reconcile, registerCard } from './dedupe';
import { DENIAL_MIME, IDenialData, denialData } from './recognise';

/** What the server needs to explain the kernel's denial: boto3's words and the request. */
export function denialRequest(data: IDenialData): IDenialMessageRequest {
  const request: IDenialMessageRequest = {
    message: `An error occurred (${data.code}) when calling the ${data.operation} operation: ${data.message}`,
    requestTags: data.requestTags
  };
  if (data.action) {
    request.operation = data.action;
  }
  if (data.resource && data.resource !== '*') {
    request.resource = data.resource;
  }
  return request;
}

export function DenialCard(props: {
  data: IDenialData;
  api: StudioAbacAPI;
  trans: TranslationBundle;
}): JSX.Element {
  const { data, api, trans } = props;
  const tags = Object.entries(data.requestTags);
  return (
    <section
      className="jp-StudioAbac-denialCard"
      aria-label={trans.__('AWS denied %1', data.action)}
    >
      <p className="jp-StudioAbac-denialTitle">
        {trans.__('AWS denied %1', data.action)}
      </p>
      <dl className="jp-StudioAbac-denialFacts">
        <dt>{trans.__('Resource')}</dt>
        <dd>{data.resource}</dd>
        <dt>{trans.__('Request tags')}</dt>
        <dd>
          {tags.length > 0
            ? tags.map(([k, v]) => `${k}=${v}`).join(', ')
            : trans.__('none')}
        </dd>
      </dl>
      <DenialButton api={api} request={denialRequest(data)} trans={trans} />
    </section>
  );
}

class DenialRenderer extends Panel implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.addClass('jp-StudioAbac-denialOutput');
    this._trans = (options.translator ?? nullTranslator).load(
      TRANSLATION_DOMAIN
    );
  }

  // A child widget, not Widget.attach: the output area renders before it inserts the output.
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._card?.dispose();
    const data = denialData(model.data[DENIAL_MIME]);
    if (!data) {
      const text = new Widget();
      text.node.textContent = String(model.data['text/plain'] ?? '');
      this._card = text;
      this.addWidget(text);
      return;
    }
    this._card = ReactWidget.create(
      <DenialCard data={data} api={this._api} trans={this._trans} />
    );
    this.addWidget(this._card);
    // the error output above offers no second button for the same denial
    registerCard(this.node, boto3Phrase(data.code, data.operation));
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    reconcile(this.node);
  }

  private _card: Widget | null = null;
  private readonly _trans: TranslationBundle;
  // A MIME renderer has no application: JupyterLab's page settings give the server's URL.
  private readonly _api = new StudioAbacAPI(ServerConnection.makeSettings());
}

export const denialRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [DENIAL_MIME],
  defaultRank: 50,
  createRenderer: options => new DenialRenderer(options)
};

const extension: IRenderMime.IExtension = {
  id: `${EXTENSION_ID}:denial-renderer`,
  description:
    'Renders the kernel\'s AWS denial output with "Why was this denied?".',
  rendererFactory: denialRendererFactory,
  rank: 50,
  dataType: 'json'
};

export default extension;
