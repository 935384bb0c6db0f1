/**
 * Identifiers and types shared by the plugins of studio-abac-ext.
 *
 * The REST types are aliases of the schemas that openapi-typescript generates from
 * `studio_abac_ext/openapi.yaml` into `generated/api-types.ts` (`jlpm build:types`, run by the
 * build, the tests and the linter): none is written by hand, so when the TypeScript and the
 * OpenAPI file disagree, `tsc` and jest fail.
 */
import type { components, operations } from './generated/api-types';

/** The npm package and REST namespace of the extension. */
export const EXTENSION_ID = 'studio-abac-ext';

/** The gettext domain of every user-visible string of the extension. */
export const TRANSLATION_DOMAIN = 'studio_abac_ext';

/** The plugin holding the settings in `schema/plugin.json`. */
export const SETTINGS_PLUGIN_ID = `${EXTENSION_ID}:plugin`;

/** Command IDs, in one place so the palette, menus and tests agree. */
export namespace CommandIDs {
  export const checkServer = `${EXTENSION_ID}:check-server`;
  export const openResources = `${EXTENSION_ID}:open-resources`;
  export const refreshResources = `${EXTENSION_ID}:refresh-resources`;
  export const newExperiment = `${EXTENSION_ID}:new-experiment`;
  export const openDenials = `${EXTENSION_ID}:policy-denials`;
}

type Schemas = components['schemas'];
type QueryOf<K extends keyof operations> = NonNullable<
  operations[K]['parameters']['query']
>;

/** GET /studio-abac-ext/health */
export type IHealth = Schemas['Health'];

/** Where the team (or Studio user id) of the caller was read from. */
export type AttributeSource = Schemas['Attribute']['source'];
export type IAttribute = Schemas['Attribute'];

/** GET /studio-abac-ext/identity */
export type IIdentity = Schemas['Identity'];

/** Where the caller's policies were read from, for the explanations. */
export type IPolicyOrigin = Schemas['PolicyStatus'];
/** A policy source tried before the one that answered, and why it could not answer. */
export type ISkippedPolicySource = IPolicyOrigin['skipped'][number];

/** The resource types the sidebar lists, as the REST API names them (all of them, in order). */
export const RESOURCE_TYPES = [
  'experiment',
  'trial',
  'trial-component',
  'training-job',
  'model',
  'endpoint'
] as const satisfies readonly ResourceType[];
export type ResourceType = NonNullable<QueryOf<'listResources'>['type']>;

/** Whose resources to list. */
export const SCOPES = [
  'team',
  'mine',
  'all'
] as const satisfies readonly Scope[];
export type Scope = NonNullable<QueryOf<'listResources'>['scope']>;

/** A permission the server checked in advance (preflight) for one action on one resource. */
export type IPermission = Schemas['Perm'];
export type IResource = Schemas['Resource'];

/** GET /studio-abac-ext/resources */
export type IResourcePage = Schemas['ResourcePage'];

/** The query of GET resources; `next: null` (the last page's) is left out of the URL. */
export type IResourceQuery = {
  type: ResourceType;
  scope: Scope;
  q?: QueryOf<'listResources'>['q'];
  next?: QueryOf<'listResources'>['next'] | null;
};

/** POST /studio-abac-ext/experiments (and its preflight). */
export type INewExperiment = Schemas['NewExperiment'];
/** PATCH /studio-abac-ext/experiments/{name} */
export type IExperimentChange = Schemas['ExperimentChange'];

export type Decision = Schemas['Explanation']['decision'];
export type IConditionTrace = Schemas['ConditionTrace'];
export type IStatementTrace = Schemas['StatementTrace'];
/** A Deny statement that applied only because the request lacked these context keys. */
export type IMissingKeyDeny = IExplanation['denyBecauseMissing'][number];
export type IPolicySource = IExplanation['policies'][number];

/** The policy engine's explanation of one decision (`Decision.to_dict()`). */
export type IExplanation = Schemas['Explanation'];

/** POST /studio-abac-ext/experiments/preflight */
export type IPreflight = Schemas['Preflight'];
/** A tag the server adds itself, and why. */
export type ILockedTag = Schemas['LockedTag'];
/** Why the server adds a tag, decided by the policy engine (the preflight's tagReasons). */
export type ITagReason = Schemas['TagReason'];

/** POST explain and POST admin/simulate */
export type IDecisionResult = Schemas['DecisionResult'];

export type IExplainRequest = Schemas['ExplainRequest'];
export type ISimulateRequest = Schemas['SimulateRequest'];

/** The body of every 403 the server returns for an AWS AccessDenied. */
export type IAccessDeniedBody = Schemas['AccessDenied'];

/** POST /studio-abac-ext/explain-denial: a denial a cell printed, explained like a 403. */
export type IDenialMessageRequest = Schemas['DenialMessageRequest'];
export type IDenialExplanation = Schemas['DenialExplanation'];

/** Details an error body may add to `{error, message}`. */
type ErrorDetails<K extends keyof Schemas> = Partial<
  Omit<Schemas[K], keyof Schemas['Error']>
>;

/** Any error body: `{error, message}` plus the details of a 400, a 403 or a 503. */
export type IErrorBody = Schemas['Error'] &
  ErrorDetails<'ValidationError'> &
  ErrorDetails<'AccessDenied'> &
  ErrorDetails<'AwsUnavailable'>;

/** GET admin/denials */
export type IDenials = Schemas['Denials'];
export type IDenialEvent = IDenials['events'][number];
export type IDenialQuery = QueryOf<'listDenials'>;
/** An Athena denials query's progress (admin/denials/queries/{id}) */
export type IDenialsQuery = Schemas['DenialsQuery'];

/** GET admin/isolation */
export type IFindings = Schemas['Findings'];
export type IFinding = IFindings['findings'][number];
export type Severity = IFinding['severity'];
