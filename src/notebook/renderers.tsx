/**
 * The output renderers of JupyterLab, wrapped: an output (error, stderr, a rich traceback's
 * display) that holds an AWS denial gets the "Why was this denied?" button under it.
 *
 * Each wrapped MIME type's factory is read from the registry (`getFactory`) and replaced by a
 * factory that renders with the original, then checks the output's text. Notebooks and consoles
 * clone the application's registry when they open, so outputs restored from disk get it too.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Panel } from '@lumino/widgets';
import React from 'react';

import { StudioAbacAPI } from '../api';
import { DenialButton } from './DenialButton';
import { reconcile, registerErrorOutput } from './dedupe';
import { WRAPPED_MIME_TYPES, denialText, outputText } from './recognise';

/** Renders with the original renderer; adds the button when the output holds a denial. */
class DenialAwareRenderer extends Panel implements IRenderMime.IRenderer {
  constructor(
    private readonly _inner: IRenderMime.IRenderer,
    private readonly _mimeType: string,
    private readonly _api: StudioAbacAPI,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-StudioAbac-denialAware');
    this.addWidget(_inner);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    await this._inner.renderModel(model);
    this._button?.dispose();
    this._button = null;
    const message = denialText(outputText(model.data, this._mimeType));
    if (message === null) {
      return;
    }
    this._button = ReactWidget.create(
      <DenialButton api={this._api} request={{ message }} trans={this._trans} />
    );
    this.addWidget(this._button);
    // hidden while the same output area holds the kernel's card for this denial
    registerErrorOutput(this.node, message, this._button.node);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    reconcile(this.node);
  }

  private _button: ReactWidget | null = null;
}

/** A factory like `inner` whose renderers offer the button. */
function denialAwareFactory(
  inner: IRenderMime.IRendererFactory,
  mimeType: string,
  api: StudioAbacAPI,
  trans: TranslationBundle
): IRenderMime.IRendererFactory {
  return {
    safe: inner.safe,
    mimeTypes: [mimeType],
    defaultRank: inner.defaultRank,
    createRenderer: options =>
      new DenialAwareRenderer(
        inner.createRenderer(options),
        mimeType,
        api,
        trans
      )
  };
}

/** Wrap the renderers of the output MIME types a denial can arrive in. */
export function wrapDenialRenderers(
  rendermime: IRenderMimeRegistry,
  api: StudioAbacAPI,
  trans: TranslationBundle
): void {
  for (const mimeType of WRAPPED_MIME_TYPES) {
    const inner = rendermime.getFactory(mimeType);
    if (!inner) {
      continue;
    }
    // the same rank keeps JupyterLab's choice of MIME type for each output as it was
    rendermime.addFactory(
      denialAwareFactory(inner, mimeType, api, trans),
      rendermime.getRank(mimeType)
    );
  }
}
