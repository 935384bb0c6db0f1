import { ResourcesModel } from '../model';
import { experiment, PagedResources } from './resourceFixtures';

const TEAM_B_1 = experiment('userb1-exp', 'TeamB', 'userb1');
const TEAM_B_2 = experiment('userb2-exp', 'TeamB', 'userb2');
const TEAM_B_3 = experiment('userb1-exp2', 'TeamB', 'userb1');
const TEAM_A_1 = experiment(
  'teama-seeded-experiment',
  'TeamA',
  'usera1',
  'denied'
);

describe('ResourcesModel', () => {
  it("lists the team's experiments by default and follows next tokens up to the page size", async () => {
    // Given a server holding three Team B experiments and one of Team A, two per page
    const server = new PagedResources(
      [TEAM_B_1, TEAM_A_1, TEAM_B_2, TEAM_B_3],
      2
    );
    const model = new ResourcesModel(server, { pageSize: 3 });
    // When the model loads
    await model.refresh();
    // Then it shows Team B's three, having asked for two pages
    expect(model.status).toBe('ready');
    expect(model.items.map(r => r.name)).toEqual([
      'userb1-exp',
      'userb2-exp',
      'userb1-exp2'
    ]);
    expect(server.queries.map(q => [q.scope, q.next])).toEqual([
      ['team', null],
      ['team', '2']
    ]);
    expect(model.hasMore).toBe(false);
  });

  it('loads more pages on demand when the page size is reached', async () => {
    const server = new PagedResources([TEAM_B_1, TEAM_B_2, TEAM_B_3], 1);
    const model = new ResourcesModel(server, { pageSize: 2 });
    await model.refresh();
    expect(model.items).toHaveLength(2);
    expect(model.hasMore).toBe(true);
    await model.loadMore();
    expect(model.items).toHaveLength(3);
    expect(model.hasMore).toBe(false);
  });

  it('shows other teams under "All teams" and passes the search text', async () => {
    const server = new PagedResources([TEAM_B_1, TEAM_A_1], 10);
    const model = new ResourcesModel(server);
    await model.setScope('all');
    expect(model.items.map(r => r.name)).toContain('teama-seeded-experiment');
    await model.setQuery('teama-seeded');
    expect(model.items.map(r => r.name)).toEqual(['teama-seeded-experiment']);
    expect(server.queries[server.queries.length - 1]).toMatchObject({
      scope: 'all',
      q: 'teama-seeded'
    });
  });

  it('reports an error state and recovers on the next refresh', async () => {
    // Given a server that fails once
    const server = new PagedResources([TEAM_B_1], 10);
    server.failNext = new Error('boom');
    const model = new ResourcesModel(server);
    const states: string[] = [];
    model.changed.connect(() => states.push(model.status));
    // When the model loads twice
    await model.refresh();
    expect(model.status).toBe('error');
    expect((model.error as Error).message).toBe('boom');
    await model.refresh();
    // Then it went loading → error → loading → ready
    expect(states).toEqual(['loading', 'error', 'loading', 'ready']);
    expect(model.items).toHaveLength(1);
  });

  it('keeps rows on screen during a quiet (polled) refresh', async () => {
    const server = new PagedResources([TEAM_B_1], 10);
    const model = new ResourcesModel(server);
    await model.refresh();
    const seen: number[] = [];
    model.changed.connect(() => seen.push(model.items.length));
    await model.refresh({ quiet: true });
    expect(seen).toEqual([1]);
  });

  it('shows a created experiment at the top and drops a deleted one', async () => {
    const server = new PagedResources([TEAM_B_1], 10);
    const model = new ResourcesModel(server);
    await model.refresh();
    const created = experiment('x', 'TeamB', 'userb1');
    model.addCreated(created);
    expect(model.items[0].name).toBe('x');
    model.removeItem(created.arn);
    expect(model.items.map(r => r.name)).toEqual(['userb1-exp']);
  });

  it('loads the identity, or keeps the error to show', async () => {
    const server = new PagedResources([], 10);
    const model = new ResourcesModel(server);
    await model.loadIdentity();
    expect(model.identity?.team.value).toBe('TeamB');
    server.identity = () => Promise.reject(new Error('no credentials'));
    await model.loadIdentity();
    expect(model.identity).toBeNull();
    expect((model.identityError as Error).message).toBe('no credentials');
  });

  describe('polling', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('refreshes on the interval only while visible', async () => {
      // Given a loaded model polling every 10 s while `visible`
      const server = new PagedResources([TEAM_B_1], 10);
      const model = new ResourcesModel(server);
      await model.refresh();
      let visible = false;
      model.startPolling(10, () => visible);
      // When 10 s pass while hidden, then 10 s while shown
      jest.advanceTimersByTime(10_000);
      const whileHidden = server.queries.length;
      visible = true;
      jest.advanceTimersByTime(10_000);
      // Then only the visible tick asked the server
      expect(whileHidden).toBe(1);
      expect(server.queries).toHaveLength(2);
      model.dispose();
      jest.advanceTimersByTime(30_000);
      expect(server.queries).toHaveLength(2);
    });
  });
});
