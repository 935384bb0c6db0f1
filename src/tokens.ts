/**
 * Identifiers and types shared by the plugins of studio-abac-ext.
 *
 * The interfaces mirror the REST contract of the server extension (`/studio-abac-ext/...`).
 */

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

/** GET /studio-abac-ext/health */
export interface IHealth {
  name: string;
  version: string;
  serverVersion: string;
}

/** Where the team (or Studio user id) of the caller was read from. */
export type AttributeSource =
  | 'role-tag'
  | 'user-tag'
  | 'session-tag'
  | 'user-profile-tag'
  | 'config'
  | null;

export interface IAttribute {
  value: string | null;
  source: AttributeSource;
  reason: string | null;
}

/** GET /studio-abac-ext/identity */
export interface IIdentity {
  arn: string | null;
  account: string | null;
  principalType:
    'AssumedRole' | 'IAMUser' | 'Role' | 'FederatedUser' | 'Root' | null;
  userName: string | null;
  roleName: string | null;
  sessionName: string | null;
  team: IAttribute;
  studioUserId: IAttribute;
  studio: {
    domainId: string;
    userProfileName: string;
    spaceName: string | null;
  } | null;
  tagKeys: { team: string; user: string };
  policies: IPolicyOrigin;
}

/** A policy source tried before the one that answered, and why it could not answer. */
export interface ISkippedPolicySource {
  source: string;
  reason: string;
}

/** Where the caller's policies were read from, for the explanations. */
export interface IPolicyOrigin {
  known: boolean;
  source: string | null;
  reason: string | null;
  /** Missing from servers older than the S3 policy source. */
  skipped?: ISkippedPolicySource[];
}

/** The resource types the sidebar lists, as the REST API names them. */
export const RESOURCE_TYPES = [
  'experiment',
  'trial',
  'trial-component',
  'training-job',
  'model',
  'endpoint'
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Whose resources to list. */
export const SCOPES = ['team', 'mine', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

/** A permission the server checked in advance (preflight) for one action on one resource. */
export interface IPermission {
  decision: 'allowed' | 'denied' | 'unknown';
  summary: string | null;
}

export interface IResource {
  name: string;
  arn: string;
  type: string;
  created: string | null;
  team: string | null;
  owner: string | null;
  tags: Record<string, string>;
  permissions: { delete: IPermission; update: IPermission };
  readOnly: boolean;
}

/** GET /studio-abac-ext/resources */
export interface IResourcePage {
  items: IResource[];
  next: string | null;
  type: string;
  scope: string;
}

export interface IResourceQuery {
  type: ResourceType;
  scope: Scope;
  q?: string;
  next?: string | null;
}

/** POST /studio-abac-ext/experiments (and its preflight). */
export interface INewExperiment {
  name: string;
  description?: string;
  displayName?: string;
  tags?: Record<string, string>;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface IConditionTrace {
  operator: string;
  key: string;
  keyPresent: boolean;
  requestValues: string[];
  policyValues: string[];
  resolvedPolicyValues: (string | null)[];
  result: boolean;
  reason: string;
  lines: number[];
  unevaluable?: boolean;
  unresolvedKeys?: string[];
}

export interface IStatementTrace {
  policy: string;
  policyType: string;
  sid: string | null;
  index: number;
  effect: 'Allow' | 'Deny';
  lines: number[];
  actionMatched: boolean;
  resourceMatched: boolean;
  principalMatched: boolean | null;
  conditionsMatched: boolean | null;
  matched: boolean;
  conditions: IConditionTrace[];
}

/** A Deny statement that applied only because the request lacked these context keys. */
export interface IMissingKeyDeny {
  policy: string;
  policyType: string;
  sid: string | null;
  index: number;
  lines: number[];
  missingKeys: string[];
  /** The conditions that held (or failed closed) because their keys were absent. */
  conditions: IConditionTrace[];
}

export interface IPolicySource {
  name: string;
  type: string;
  text: string;
}

/** The policy engine's explanation of one decision (`Decision.to_dict()`). */
export interface IExplanation {
  decision: Decision;
  action: string;
  resource: string;
  principal: string | null;
  summary: string;
  deciding: IStatementTrace[];
  closest: IStatementTrace[];
  missingContextKeys: string[];
  unevaluable: { policy: string; sid: string | null; reason: string }[];
  statements: IStatementTrace[];
  policies: IPolicySource[];
  deniedAt?: string | null;
  /** Missing from older servers; empty unless the decision is an explicit deny. */
  denyBecauseMissing?: IMissingKeyDeny[];
}

/** POST /studio-abac-ext/experiments/preflight */
export interface IPreflight {
  decision: Decision | 'unknown';
  summary: string;
  tags: Record<string, string>;
  lockedTags: { key: string; value: string; reason: string }[];
  explanation: IExplanation | null;
}

/** POST explain and POST admin/simulate */
export interface IDecisionResult {
  decision: Decision | 'unknown';
  summary: string;
  explanation: IExplanation | null;
}

export interface IExplainRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface ISimulateRequest extends IExplainRequest {
  principal: string;
  resourceTags?: Record<string, string>;
  requestTags?: Record<string, string>;
  policies?: string[];
}

/** The body of every 403 the server returns for an AWS AccessDenied. */
export interface IAccessDeniedBody {
  error: 'AccessDenied';
  message: string;
  action: string;
  resource: string;
  caller: string;
  explanation: IExplanation | null;
  nextStep: string;
}

/** GET admin/denials */
export interface IDenialEvent {
  id: string;
  time: string;
  principal: string;
  user: string | null;
  action: string;
  resource: string | null;
  errorCode: string;
  message: string | null;
}

export interface IDenialQuery {
  user?: string;
  action?: string;
  limit?: number;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** GET admin/isolation */
export interface IFinding {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
  actions: string[];
  statements: { policy: string; sid: string | null }[];
  example: {
    principal: string;
    action: string;
    resource: string;
    context: Record<string, unknown>;
  };
  fix: string;
}
