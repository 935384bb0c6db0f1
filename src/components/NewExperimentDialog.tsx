/**
 * The "New experiment" dialog: name (with AWS's rule checked live), description, extra tags,
 * the tags the server adds (locked, with why), and the preflight decision before "Create".
 * On failure it stays open with the server's message.
 */
import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  closeIcon,
  lockIcon,
  ReactWidget
} from '@jupyterlab/ui-components';
import React from 'react';

import { StudioAbacAPI, StudioAbacResponseError } from '../api';
import {
  experimentNameRule,
  ITagRow,
  tagsOf,
  validateDescription,
  validateExperimentName,
  validateTags
} from '../awsRules';
import {
  AttributeSource,
  IIdentity,
  INewExperiment,
  IPreflight,
  IResource,
  ITagReason
} from '../tokens';
import { errorMessage, showAccessDenied } from './AccessDenied';
import { ExplanationView } from './ExplanationView';
import { sourceLabel } from './ResourcesPanel';

/** The subset of the API the dialog uses. */
export type INewExperimentAPI = Pick<
  StudioAbacAPI,
  'preflightExperiment' | 'createExperiment'
>;

type PreflightState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'done'; result: IPreflight }
  | { kind: 'failed'; message: string };

/** A tag the server adds, where its value comes from and (once the preflight answers) why. */
export interface ILockedTagView {
  key: string;
  value: string;
  /** Where the value comes from ("from your role's team tag"), when the identity says. */
  origin: string | null;
  why: ITagReason | null;
}

/** "added from your role's team tag; required by team-3-studio-developer/AmazonSageMakerCreate" */
export function lockedTagReason(
  tag: ILockedTagView,
  trans: TranslationBundle
): string {
  const added = tag.origin
    ? trans.__('added %1', tag.origin)
    : trans.__('added by the server');
  return tag.why ? trans.__('%1; %2', added, tag.why.text) : added;
}

/** The sentence under the preflight: which statement allows it, or why not. */
export function preflightSentence(
  result: IPreflight,
  trans: TranslationBundle
): string {
  const deciding = result.explanation?.deciding ?? [];
  if (result.decision === 'allowed' && deciding.length > 0) {
    const s = deciding[0];
    return trans.__(
      'Allowed by statement %1 (policy %2)',
      s.sid ?? trans.__('statement %1', s.index + 1),
      s.policy
    );
  }
  return result.summary;
}

/** The form's state and behaviour, rendered by React; `submit()` is what "Create" does. */
export class NewExperimentBody extends ReactWidget {
  constructor(
    private readonly _api: INewExperimentAPI,
    private readonly _identity: IIdentity | null,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-StudioAbac-newExperiment');
  }

  name = '';
  description = '';
  tagRows: ITagRow[] = [];
  /** Fields the user has left once (errors show after that, or after "Create"). */
  touched = new Set<string>();
  serverError: string | null = null;
  preflight: PreflightState = { kind: 'idle' };
  created: IResource | null = null;

  getValue(): IResource | null {
    return this.created;
  }

  /**
   * The keys the server adds itself, from the preflight or, before it answers, from the
   * identity; `why` is the engine's verdict from the preflight's tagReasons ("required by
   * <policy>/<statement>" or "added so admins can see who made it"), null until it answers.
   */
  get lockedTags(): ILockedTagView[] {
    const identity = this._identity;
    const keys = identity?.tagKeys ?? { team: 'team', user: 'studiouserid' };
    const origin = (source: AttributeSource | undefined): string | null =>
      source ? sourceLabel(source, this._trans) : null;
    const origins: Record<string, string | null> = {
      [keys.team]: origin(identity?.team.source),
      [keys.user]: origin(identity?.studioUserId.source)
    };
    if (
      this.preflight.kind === 'done' &&
      this.preflight.result.lockedTags.length > 0
    ) {
      const reasons = this.preflight.result.tagReasons;
      return this.preflight.result.lockedTags.map(tag => ({
        key: tag.key,
        value: tag.value,
        origin: origins[tag.key] ?? null,
        why: reasons[tag.key] ?? null
      }));
    }
    return [
      {
        key: keys.team,
        value: identity?.team.value ?? '?',
        origin: origins[keys.team],
        why: null
      },
      {
        key: keys.user,
        value: identity?.studioUserId.value ?? '?',
        origin: origins[keys.user],
        why: null
      }
    ];
  }

  get problems(): {
    name: string | null;
    description: string | null;
    tags: ReturnType<typeof validateTags>;
  } {
    const trans = this._trans;
    return {
      name: validateExperimentName(this.name, trans),
      description: validateDescription(this.description, trans),
      tags: validateTags(
        this.tagRows,
        this.lockedTags.map(t => t.key),
        trans
      )
    };
  }

  get isValid(): boolean {
    const p = this.problems;
    return (
      p.name === null &&
      p.description === null &&
      p.tags.overall === null &&
      p.tags.rows.every(r => r.key === null && r.value === null)
    );
  }

  get request(): INewExperiment {
    const body: INewExperiment = { name: this.name };
    if (this.description) {
      body.description = this.description;
    }
    const tags = tagsOf(this.tagRows);
    if (Object.keys(tags).length > 0) {
      body.tags = tags;
    }
    return body;
  }

  /** Create the experiment; true when it exists, false when the dialog should stay open. */
  async submit(): Promise<boolean> {
    this.touched = new Set(['name', 'description', 'tags']);
    if (!this.isValid) {
      this.update();
      return false;
    }
    this.serverError = null;
    this.update();
    try {
      this.created = await this._api.createExperiment(this.request);
      return true;
    } catch (error) {
      this.serverError = errorMessage(error, this._trans);
      if (error instanceof StudioAbacResponseError) {
        if (error.body?.rule) {
          this.serverError +=
            ' ' + this._trans.__('Rule: %1', String(error.body.rule));
        }
        this.update();
        if (error.accessDenied) {
          await showAccessDenied(
            error.accessDenied,
            {
              label: `Create experiment ${this.name}`,
              method: 'POST',
              path: 'experiments'
            },
            this._trans
          );
        }
      }
      this.update();
      return false;
    }
  }

  /** Ask the server what would happen, a moment after the last change. */
  schedulePreflight(delay = 400): void {
    clearTimeout(this._preflightTimer);
    if (validateExperimentName(this.name, this._trans) !== null) {
      this.preflight = { kind: 'idle' };
      return;
    }
    this._preflightTimer = setTimeout(() => void this.runPreflight(), delay);
  }

  async runPreflight(): Promise<void> {
    this._preflightAbort?.abort();
    const abort = new AbortController();
    this._preflightAbort = abort;
    this.preflight = { kind: 'checking' };
    this.update();
    try {
      const result = await this._api.preflightExperiment(
        this.request,
        abort.signal
      );
      if (!abort.signal.aborted) {
        this.preflight = { kind: 'done', result };
      }
    } catch (error) {
      if (abort.signal.aborted) {
        return;
      }
      this.preflight = {
        kind: 'failed',
        message: errorMessage(error, this._trans)
      };
    }
    this.update();
  }

  dispose(): void {
    clearTimeout(this._preflightTimer);
    this._preflightAbort?.abort();
    super.dispose();
  }

  protected render(): JSX.Element {
    return <NewExperimentForm body={this} trans={this._trans} />;
  }

  /** Change a field, then re-check and re-render. */
  edit(change: () => void, field: string): void {
    change();
    this.serverError = null;
    this.touched.add(field);
    this.schedulePreflight();
    this.update();
  }

  private _preflightTimer: ReturnType<typeof setTimeout> | undefined;
  private _preflightAbort: AbortController | null = null;
}

function FieldError(props: {
  id: string;
  message: string | null;
}): JSX.Element {
  return (
    <div id={props.id} className="jp-StudioAbac-fieldError" aria-live="polite">
      {props.message ?? ''}
    </div>
  );
}

function PreflightView(props: {
  state: PreflightState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  let content: React.ReactNode;
  switch (state.kind) {
    case 'idle':
      content = trans.__('Enter a valid name to check your policies.');
      break;
    case 'checking':
      content = trans.__('Checking your policies…');
      break;
    case 'failed':
      content = trans.__('Could not check your policies: %1', state.message);
      break;
    case 'done': {
      const allowed = state.result.decision === 'allowed';
      content = (
        <>
          <span
            data-decision={state.result.decision}
            className="jp-StudioAbac-decision"
          >
            {preflightSentence(state.result, trans)}
          </span>
          {!allowed && state.result.explanation && (
            <details>
              <summary>{trans.__('Why')}</summary>
              <ExplanationView
                explanation={state.result.explanation}
                trans={trans}
                showSummary={false}
              />
            </details>
          )}
        </>
      );
    }
  }
  return (
    <section
      className="jp-StudioAbac-preflight"
      role="status"
      aria-label={trans.__('Policy check')}
    >
      {content}
    </section>
  );
}

function TagRows(props: {
  body: NewExperimentBody;
  trans: TranslationBundle;
}): JSX.Element {
  const { body, trans } = props;
  const problems = body.problems.tags;
  const showErrors = body.touched.has('tags');
  return (
    <fieldset className="jp-StudioAbac-tagRows">
      <legend>{trans.__('Extra tags')}</legend>
      {body.tagRows.map((row, i) => {
        const p = showErrors ? problems.rows[i] : { key: null, value: null };
        return (
          <div key={i} className="jp-StudioAbac-tagRow">
            <input
              className={'jp-mod-styled' + (p.key ? ' jp-mod-error' : '')}
              aria-label={trans.__('Tag key %1', i + 1)}
              aria-invalid={p.key !== null}
              aria-describedby={`jp-StudioAbac-tagError-${i}`}
              placeholder={trans.__('key')}
              value={row.key}
              onChange={e =>
                body.edit(() => (row.key = e.target.value), 'tags')
              }
            />
            <input
              className={'jp-mod-styled' + (p.value ? ' jp-mod-error' : '')}
              aria-label={trans.__('Tag value %1', i + 1)}
              aria-invalid={p.value !== null}
              aria-describedby={`jp-StudioAbac-tagError-${i}`}
              placeholder={trans.__('value')}
              value={row.value}
              onChange={e =>
                body.edit(() => (row.value = e.target.value), 'tags')
              }
            />
            <button
              type="button"
              className="jp-Button jp-mod-minimal"
              aria-label={trans.__('Remove tag %1', i + 1)}
              title={trans.__('Remove tag %1', i + 1)}
              onClick={() => body.edit(() => body.tagRows.splice(i, 1), 'tags')}
            >
              <closeIcon.react tag="span" />
            </button>
            <FieldError
              id={`jp-StudioAbac-tagError-${i}`}
              message={p.key ?? p.value}
            />
          </div>
        );
      })}
      {showErrors && problems.overall && (
        <div role="alert">{problems.overall}</div>
      )}
      <button
        type="button"
        className="jp-Button jp-mod-styled jp-mod-reject"
        onClick={() =>
          body.edit(
            () => body.tagRows.push({ key: '', value: '' }),
            'tags-added'
          )
        }
      >
        <addIcon.react tag="span" /> {trans.__('Add tag')}
      </button>
    </fieldset>
  );
}

function NewExperimentForm(props: {
  body: NewExperimentBody;
  trans: TranslationBundle;
}): JSX.Element {
  const { body, trans } = props;
  const problems = body.problems;
  const nameError = body.touched.has('name') ? problems.name : null;
  const descriptionError = problems.description;
  return (
    <div className="jp-StudioAbac-form">
      <label className="jp-StudioAbac-formField">
        <span>{trans.__('Name')}</span>
        <input
          className={'jp-mod-styled' + (nameError ? ' jp-mod-error' : '')}
          value={body.name}
          aria-invalid={nameError !== null}
          aria-describedby="jp-StudioAbac-nameRule jp-StudioAbac-nameError"
          onChange={e => body.edit(() => (body.name = e.target.value), 'name')}
          autoFocus
        />
      </label>
      <div id="jp-StudioAbac-nameRule" className="jp-StudioAbac-muted">
        {experimentNameRule(trans)}
      </div>
      <FieldError id="jp-StudioAbac-nameError" message={nameError} />
      <label className="jp-StudioAbac-formField">
        <span>{trans.__('Description')}</span>
        <textarea
          className={
            'jp-mod-styled' + (descriptionError ? ' jp-mod-error' : '')
          }
          value={body.description}
          rows={3}
          aria-invalid={descriptionError !== null}
          aria-describedby="jp-StudioAbac-descriptionError"
          onChange={e =>
            body.edit(() => (body.description = e.target.value), 'description')
          }
        />
      </label>
      <FieldError
        id="jp-StudioAbac-descriptionError"
        message={descriptionError}
      />
      <section
        className="jp-StudioAbac-lockedTags"
        aria-label={trans.__('Tags added for you')}
      >
        <h4>{trans.__('Tags added for you')}</h4>
        <ul>
          {body.lockedTags.map(tag => (
            <li key={tag.key}>
              <lockIcon.react tag="span" className="jp-StudioAbac-inlineIcon" />
              <code>
                {tag.key} = {tag.value}
              </code>{' '}
              <span className="jp-StudioAbac-muted">
                {lockedTagReason(tag, trans)}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <TagRows body={body} trans={trans} />
      <PreflightView state={body.preflight} trans={trans} />
      {body.serverError && (
        <div className="jp-StudioAbac-serverError" role="alert">
          {body.serverError}
        </div>
      )}
    </div>
  );
}

/**
 * A dialog whose accept button runs an asynchronous submit and closes only when it succeeds.
 */
export class SubmitDialog<T> extends Dialog<T> {
  constructor(
    options: Partial<Dialog.IOptions<T>> & { submit: () => Promise<boolean> }
  ) {
    super(options);
    this._submit = options.submit;
    this._buttonList = options.buttons ?? [];
  }

  resolve(index?: number): void {
    const button = this._buttonList[index ?? this._buttonList.length - 1];
    if (!button?.accept) {
      super.resolve(index);
      return;
    }
    if (this._submitting) {
      return;
    }
    this._submitting = true;
    void this._submit()
      .then(ok => {
        if (ok) {
          super.resolve(index);
        }
      })
      .finally(() => {
        this._submitting = false;
      });
  }

  private _submit: () => Promise<boolean>;
  private _buttonList: readonly Dialog.IButton[];
  private _submitting = false;
}

/** Open the dialog; resolves with the created experiment, or null when cancelled. */
export async function showNewExperimentDialog(
  api: INewExperimentAPI,
  identity: IIdentity | null,
  trans: TranslationBundle
): Promise<IResource | null> {
  const body = new NewExperimentBody(api, identity, trans);
  const dialog = new SubmitDialog<IResource | null>({
    title: trans.__('New experiment'),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Create') })
    ],
    submit: () => body.submit()
  });
  dialog.node.setAttribute('aria-label', trans.__('New experiment'));
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
