/**
 * One "Why was this denied?" per denial in an output area: under a traceback the kernel's denial
 * card has the button; the error output's own button is hidden while the card is there.
 * Real renderers: JupyterLab's standard factories wrapped as the plugin wraps them, and the
 * denial MIME renderer, attached to a real (jsdom) output area.
 */
import { act } from 'react';
import {
  MimeModel,
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { MessageLoop } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';

import { StudioAbacAPI } from '../api';
import { denialRendererFactory } from '../notebook/denialMime';
import { DENIAL_MIME } from '../notebook/recognise';
import { wrapDenialRenderers } from '../notebook/renderers';

(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

const MESSAGE =
  'User: arn:aws:sts::123456789012:assumed-role/SageMakerStudioDeveloperTeamBRole/SageMaker is not authorized to perform: sagemaker:DeleteExperiment on resource: arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment because no identity-based policy allows the sagemaker:DeleteExperiment action';
const WHY = 'Why was this denied?';

function errorData(operation: string): Record<string, unknown> {
  const evalue = `An error occurred (AccessDeniedException) when calling the ${operation} operation: ${MESSAGE}`;
  return {
    'application/vnd.jupyter.error': {
      ename: 'ClientError',
      evalue,
      traceback: [`\u001b[0;31mClientError\u001b[0m: ${evalue}`]
    },
    'application/vnd.jupyter.stderr': `ClientError: ${evalue}`
  };
}

function cardData(operation: string): Record<string, unknown> {
  return {
    [DENIAL_MIME]: {
      operation,
      service: 'sagemaker',
      action: `sagemaker:${operation}`,
      resource:
        'arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment',
      requestTags: {},
      message: MESSAGE,
      code: 'AccessDeniedException'
    },
    'text/plain': 'studio-abac: AWS denied ...'
  };
}

function registry(): RenderMimeRegistry {
  const rendermime = new RenderMimeRegistry({
    initialFactories: standardRendererFactories
  });
  const trans = nullTranslator.load('studio_abac_ext');
  wrapDenialRenderers(
    rendermime,
    new StudioAbacAPI(ServerConnection.makeSettings()),
    trans
  );
  rendermime.addFactory(denialRendererFactory, 50);
  return rendermime;
}

const areas: Panel[] = [];

/** An output area, attached, as a notebook or console cell has one. */
function outputArea(): Panel {
  const area = new Panel();
  area.addClass('jp-OutputArea');
  Widget.attach(area, document.body);
  areas.push(area);
  return area;
}

/** Render `data` as the output area does (the preferred MIME type's renderer) and add it. */
async function addOutput(
  area: Panel,
  rendermime: RenderMimeRegistry,
  data: Record<string, unknown>
): Promise<void> {
  const model = new MimeModel({ data: data as MimeModel.IOptions['data'] });
  const mimeType = rendermime.preferredMimeType(model.data, 'any');
  if (!mimeType) {
    throw new Error('no renderer');
  }
  const renderer = rendermime.createRenderer(mimeType);
  await act(async () => {
    await renderer.renderModel(model);
    area.addWidget(renderer);
    MessageLoop.flush();
  });
}

/** The "Why was this denied?" buttons a user sees (none inside a hidden element). */
function visibleButtons(area: Panel): HTMLElement[] {
  return Array.from(area.node.querySelectorAll('button')).filter(
    b => b.textContent === WHY && !b.closest('[hidden]')
  );
}

afterEach(() => {
  for (const area of areas.splice(0)) {
    act(() => area.dispose());
  }
});

describe('one button per denial in an output area', () => {
  it("hides the traceback's button when the kernel's card follows it", async () => {
    // Given an error output holding a denial: its button is offered
    const rendermime = registry();
    const area = outputArea();
    await addOutput(area, rendermime, errorData('DeleteExperiment'));
    expect(visibleButtons(area)).toHaveLength(1);
    // When the kernel's denial card for the same error follows it
    await addOutput(area, rendermime, cardData('DeleteExperiment'));
    // Then only the card's button is shown
    const buttons = visibleButtons(area);
    expect(buttons).toHaveLength(1);
    expect(buttons[0].closest('.jp-StudioAbac-denialCard')).not.toBeNull();
  });

  it('does the same when both are rendered at once (a notebook reopened)', async () => {
    // Given an output area that gets the card first (the order is not guaranteed)
    const rendermime = registry();
    const area = outputArea();
    await addOutput(area, rendermime, cardData('DeleteExperiment'));
    // When the error output is added
    await addOutput(area, rendermime, errorData('DeleteExperiment'));
    // Then one button shows, the card's
    const buttons = visibleButtons(area);
    expect(buttons).toHaveLength(1);
    expect(buttons[0].closest('.jp-StudioAbac-denialCard')).not.toBeNull();
  });

  it('keeps both when the card is about another call', async () => {
    // Given a traceback of DeleteExperiment and a card of another denied call
    const rendermime = registry();
    const area = outputArea();
    await addOutput(area, rendermime, errorData('DeleteExperiment'));
    await addOutput(area, rendermime, cardData('CreateTrialComponent'));
    // Then each offers its button
    expect(visibleButtons(area)).toHaveLength(2);
  });

  it("leaves other output areas' buttons alone", async () => {
    // Given the card in one cell's output area and the same traceback in another's
    const rendermime = registry();
    const first = outputArea();
    const second = outputArea();
    await addOutput(first, rendermime, cardData('DeleteExperiment'));
    await addOutput(second, rendermime, errorData('DeleteExperiment'));
    // Then the second cell's traceback still offers its button
    expect(visibleButtons(second)).toHaveLength(1);
  });
});
