/**
 * Resources and identities shaped exactly like the REST contract's JSON, for the tests.
 */
import { IIdentity, IResource, IResourcePage, IResourceQuery } from '../tokens';
import { TEAM_B_IDENTITY } from './serverFixtures';

export { TEAM_B_IDENTITY };

export function experiment(
  name: string,
  team: string,
  owner: string,
  deleteDecision: 'allowed' | 'denied' | 'unknown' = 'allowed'
): IResource {
  return {
    name,
    arn: `arn:aws:sagemaker:us-east-1:123456789012:experiment/${name}`,
    type: 'experiment',
    created: '2026-11-29T10:00:00+00:00',
    team,
    owner,
    tags: { team, studiouserid: owner },
    permissions: {
      delete: {
        decision: deleteDecision,
        summary:
          deleteDecision === 'denied'
            ? `Denied: AmazonSageMakerUpdateDeleteExecutePolicy allows it only when aws:PrincipalTag/team (TeamB) equals \${sagemaker:ResourceTag/team} (${team}).`
            : null
      },
      update: { decision: deleteDecision, summary: null }
    },
    readOnly: deleteDecision === 'denied'
  };
}

/** A stand-in for the server's list: pages of `pageSize` over `all`, filtered like the server. */
export class PagedResources {
  constructor(
    private readonly _all: IResource[],
    private readonly _pageSize = 2
  ) {}

  readonly queries: IResourceQuery[] = [];
  failNext: Error | null = null;

  identity = async (): Promise<IIdentity> => TEAM_B_IDENTITY;

  listResources = async (query: IResourceQuery): Promise<IResourcePage> => {
    this.queries.push(query);
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    const matching = this._all.filter(
      r =>
        (query.scope === 'all' || r.team === 'TeamB') &&
        (!query.q || r.name.includes(query.q))
    );
    const start = query.next ? Number(query.next) : 0;
    const end = start + this._pageSize;
    return {
      items: matching.slice(start, end),
      next: end < matching.length ? String(end) : null,
      type: query.type,
      scope: query.scope
    };
  };
}
