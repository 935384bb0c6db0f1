/**
 * The server's own answers, written by scripts/write_jest_fixtures.py from the real server
 * extension against the sandbox (as userb1@studio, Team B), typed by the generated REST types:
 * a fixture that no longer fits the OpenAPI file fails to compile.
 */
import {
  IAccessDeniedBody,
  IDecisionResult,
  IErrorBody,
  IExplanation,
  IIdentity,
  IPreflight,
  IResourcePage
} from '../tokens';
import deniedDeleteJson from './fixtures/denied-delete-userb1.json';
import deniedPoliciesUnknownJson from './fixtures/denied-delete-policies-unknown.json';
import identityJson from './fixtures/identity-userb1.json';
import preflightJson from './fixtures/preflight-userb1.json';
import resourcesJson from './fixtures/resources-all-userb1.json';
import simulatedUntaggedJson from './fixtures/simulated-delete-untagged-guarded.json';
import unavailableJson from './fixtures/unavailable-identity.json';

/** GET identity. */
export const TEAM_B_IDENTITY = identityJson as IIdentity;

/** GET resources?type=experiment&scope=all: Team B's experiments and Team A's (delete denied). */
export const ALL_EXPERIMENTS = resourcesJson as IResourcePage;

/** POST experiments/preflight of a new experiment: allowed, with the tags the server adds. */
export const PREFLIGHT = preflightJson as IPreflight;

/** DELETE of Team A's teama-seeded-experiment: the 403 with its explanation (implicit deny). */
export const DENIED_DELETE = deniedDeleteJson as IAccessDeniedBody;

/** The same DELETE when the caller's policies cannot be read: no explanation, a summary. */
export const DENIED_POLICIES_UNKNOWN =
  deniedPoliciesUnknownJson as IAccessDeniedBody;

/** POST admin/simulate: an untagged experiment under a guard Deny (explicit, for a missing key). */
export const SIMULATED_UNTAGGED = simulatedUntaggedJson as IDecisionResult;

/** GET identity with AWS unreachable: the 503 body. */
export const UNAVAILABLE = unavailableJson as IErrorBody;

/** The explanations inside them. */
export const DELETE_DENIED_EXPLANATION =
  DENIED_DELETE.explanation as IExplanation;
export const CREATE_ALLOWED_EXPLANATION = PREFLIGHT.explanation as IExplanation;
export const UNTAGGED_EXPLANATION =
  SIMULATED_UNTAGGED.explanation as IExplanation;
