/**
 * The state of the "Team resources" sidebar: the caller, the query, and the listed resources.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { StudioAbacAPI } from './api';
import {
  IIdentity,
  IResource,
  RESOURCE_TYPES,
  ResourceType,
  Scope
} from './tokens';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The subset of the API the model uses (so tests can feed it fixture JSON). */
export type IResourcesAPI = Pick<StudioAbacAPI, 'identity' | 'listResources'>;

export class ResourcesModel {
  constructor(
    private readonly _api: IResourcesAPI,
    options: { type?: ResourceType; pageSize?: number } = {}
  ) {
    this._type = options.type ?? 'experiment';
    this._pageSize = options.pageSize ?? 100;
  }

  /** Emitted after any change of the query, the list, the identity or the status. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get identity(): IIdentity | null {
    return this._identity;
  }
  get identityError(): unknown {
    return this._identityError;
  }
  get type(): ResourceType {
    return this._type;
  }
  get scope(): Scope {
    return this._scope;
  }
  get query(): string {
    return this._query;
  }
  get items(): readonly IResource[] {
    return this._items;
  }
  get hasMore(): boolean {
    return this._next !== null;
  }
  get status(): LoadStatus {
    return this._status;
  }
  get error(): unknown {
    return this._error;
  }
  get pageSize(): number {
    return this._pageSize;
  }
  set pageSize(value: number) {
    this._pageSize = Math.max(1, Math.floor(value));
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  setType(type: ResourceType): Promise<void> {
    if (!RESOURCE_TYPES.includes(type) || type === this._type) {
      return Promise.resolve();
    }
    this._type = type;
    return this.refresh();
  }

  setScope(scope: Scope): Promise<void> {
    if (scope === this._scope) {
      return Promise.resolve();
    }
    this._scope = scope;
    return this.refresh();
  }

  setQuery(query: string): Promise<void> {
    if (query === this._query) {
      return Promise.resolve();
    }
    this._query = query;
    return this.refresh();
  }

  async loadIdentity(): Promise<void> {
    try {
      this._identity = await this._api.identity();
      this._identityError = null;
    } catch (error) {
      this._identity = null;
      this._identityError = error;
    }
    this._emit();
  }

  /**
   * Load the list again from its first page.
   *
   * A quiet refresh (the polled one) keeps the current rows on screen while it loads and
   * leaves an error of its own unseen only if the list already shows one.
   */
  async refresh(options: { quiet?: boolean } = {}): Promise<void> {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    if (!options.quiet) {
      this._items = [];
      this._next = null;
      this._status = 'loading';
      this._emit();
    }
    const loaded: IResource[] = [];
    await this._loadPages(abort, loaded, null);
  }

  /** Load the next pages (up to the page size) after the rows already shown. */
  async loadMore(): Promise<void> {
    if (this._next === null || this._status === 'loading') {
      return;
    }
    const abort = new AbortController();
    this._abort = abort;
    this._status = 'loading';
    this._emit();
    await this._loadPages(abort, [...this._items], this._next);
  }

  /** Show a resource the user just created, without waiting for the next refresh. */
  addCreated(resource: IResource): void {
    if (resource.type !== this._type) {
      return;
    }
    this._items = [
      resource,
      ...this._items.filter(item => item.arn !== resource.arn)
    ];
    this._emit();
  }

  /** Drop a resource the user just deleted. */
  removeItem(arn: string): void {
    this._items = this._items.filter(item => item.arn !== arn);
    this._emit();
  }

  /**
   * Refresh every `seconds` while `isVisible()` holds and the browser tab is shown;
   * 0 stops polling.
   */
  startPolling(seconds: number, isVisible: () => boolean): void {
    this.stopPolling();
    if (seconds <= 0) {
      return;
    }
    this._poll = setInterval(() => {
      const tabHidden =
        typeof document !== 'undefined' &&
        document.visibilityState === 'hidden';
      if (!tabHidden && isVisible() && this._status !== 'loading') {
        void this.refresh({ quiet: true });
      }
    }, seconds * 1000);
  }

  stopPolling(): void {
    if (this._poll !== null) {
      clearInterval(this._poll);
      this._poll = null;
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.stopPolling();
    this._abort?.abort();
    Signal.clearData(this);
  }

  private async _loadPages(
    abort: AbortController,
    loaded: IResource[],
    next: string | null
  ): Promise<void> {
    const target = loaded.length + this._pageSize;
    try {
      do {
        const page = await this._api.listResources(
          { type: this._type, scope: this._scope, q: this._query, next },
          abort.signal
        );
        if (abort.signal.aborted) {
          return;
        }
        loaded.push(...page.items);
        next = page.next;
      } while (next !== null && loaded.length < target);
    } catch (error) {
      if (abort.signal.aborted) {
        return;
      }
      this._status = 'error';
      this._error = error;
      this._emit();
      return;
    }
    this._items = loaded;
    this._next = next;
    this._status = 'ready';
    this._error = null;
    this._emit();
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _identity: IIdentity | null = null;
  private _identityError: unknown = null;
  private _type: ResourceType;
  private _scope: Scope = 'team';
  private _query = '';
  private _items: IResource[] = [];
  private _next: string | null = null;
  private _status: LoadStatus = 'idle';
  private _error: unknown = null;
  private _pageSize: number;
  private _abort: AbortController | null = null;
  private _poll: ReturnType<typeof setInterval> | null = null;
  private _isDisposed = false;
}
