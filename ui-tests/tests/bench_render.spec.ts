/**
 * The render benchmark behind benchmarks/bench_render.sh (skipped unless STUDIO_ABAC_BENCH=1):
 * the "Team resources" list with 10,000 rows in Chromium. It prints the time to the first
 * painted rows and the frame times while the list scrolls; it asserts nothing about speed.
 *
 * The resources endpoint is answered from the page's network layer with 10,000 generated rows,
 * so the figures are the browser's (JSON parse + React render + paint), not AWS's.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const ROWS = Number(process.env.STUDIO_ABAC_BENCH_ROWS ?? 10_000);
const SCROLL_FRAMES = 300;

function generatedRows(scope: string) {
  return Array.from({ length: ROWS }, (_, i) => {
    const name = `bench-experiment-${String(i).padStart(5, '0')}`;
    const team = i % 2 === 0 ? 'TeamB' : 'TeamA';
    return {
      name,
      arn: `arn:aws:sagemaker:us-east-1:123456789012:experiment/${name}`,
      type: 'experiment',
      created: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
      team,
      owner: team === 'TeamB' ? 'userb1' : 'usera1',
      tags: { team, studiouserid: team === 'TeamB' ? 'userb1' : 'usera1' },
      permissions: {
        delete: {
          decision: team === 'TeamB' ? 'allowed' : 'denied',
          summary: team === 'TeamB' ? null : 'Denied: team tags differ.'
        },
        update: { decision: team === 'TeamB' ? 'allowed' : 'denied', summary: null }
      },
      readOnly: team !== 'TeamB'
    };
  });
}

test.skip(!process.env.STUDIO_ABAC_BENCH, 'a benchmark: run benchmarks/bench_render.sh');

test('render and scroll 10,000 rows', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const body = JSON.stringify({
    items: generatedRows('all'),
    next: null,
    type: 'experiment',
    scope: 'all'
  });
  await page.route(/\/studio-abac-ext\/resources\?.*scope=all/, route =>
    route.fulfill({ status: 200, contentType: 'application/json', body })
  );
  await page.sidebar.openTab('studio-abac-ext-resources' as galata.SidebarTabId);
  const sidebar = page.getByRole('region', { name: 'Team resources' });
  await expect(sidebar.getByRole('combobox', { name: 'Scope' })).toBeVisible();

  // Time from choosing "All teams" to the first frame painted with rows in it.
  const firstPaint = await page.evaluate(async () => {
    const select = document.querySelector<HTMLSelectElement>(
      '#studio-abac-ext-resources select[aria-label="Scope"]'
    )!;
    const start = performance.now();
    const painted = new Promise<number>(resolve => {
      const observer = new MutationObserver(() => {
        const rows = document.querySelectorAll(
          '#studio-abac-ext-resources [role="listitem"][aria-setsize]'
        );
        if (rows.length > 0 && rows[0].getAttribute('aria-setsize') !== '1') {
          observer.disconnect();
          requestAnimationFrame(t => resolve(t));
        }
      });
      observer.observe(document.getElementById('studio-abac-ext-resources')!, {
        childList: true,
        subtree: true
      });
    });
    select.value = 'all';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    const paintedAt = await painted;
    const entry = performance
      .getEntriesByType('resource')
      .filter(e => e.name.includes('scope=all'))
      .pop() as PerformanceResourceTiming | undefined;
    const rendered = document.querySelectorAll(
      '#studio-abac-ext-resources [role="listitem"]'
    ).length;
    return {
      totalMs: paintedAt - start,
      afterResponseMs: entry ? paintedAt - entry.responseEnd : null,
      renderedRows: rendered
    };
  });

  // Frame times while the list scrolls by 3 rows per frame.
  const scroll = await page.evaluate(async (frames: number) => {
    const list = document.querySelector<HTMLElement>(
      '#studio-abac-ext-resources .jp-StudioAbac-virtualList'
    )!;
    const times: number[] = [];
    await new Promise<void>(resolve => {
      let previous = 0;
      const step = (t: number) => {
        if (previous > 0) {
          times.push(t - previous);
        }
        previous = t;
        list.scrollTop += 132;
        if (times.length < frames) {
          requestAnimationFrame(step);
        } else {
          resolve();
        }
      };
      requestAnimationFrame(step);
    });
    const sorted = [...times].sort((a, b) => a - b);
    const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } })
      .memory;
    return {
      frames: times.length,
      meanMs: times.reduce((a, b) => a + b, 0) / times.length,
      p95Ms: sorted[Math.floor(sorted.length * 0.95)],
      maxMs: sorted[sorted.length - 1],
      over33Ms: times.filter(t => t > 33.4).length,
      scrolledToRow: Math.round(list.scrollTop / 44),
      renderedRows: list.querySelectorAll('[role="listitem"]').length,
      heapMiB: memory ? memory.usedJSHeapSize / 2 ** 20 : null
    };
  }, SCROLL_FRAMES);

  const figures = {
    rows: ROWS,
    payloadMiB: body.length / 2 ** 20,
    firstPaint,
    scroll,
    chromium: page.context().browser()?.version() ?? null
  };
  const f = (n: number | null) => (n === null ? 'n/a' : n.toFixed(1));
  const lines = [
    `bench_render: ${ROWS} rows (${f(figures.payloadMiB)} MiB of JSON), Chromium ${figures.chromium}`,
    `  first paint after choosing "All teams": ${f(firstPaint.totalMs)} ms (${f(firstPaint.afterResponseMs)} ms after the response), ${firstPaint.renderedRows} rows in the DOM`,
    `  scroll: ${scroll.frames} frames, mean ${f(scroll.meanMs)} ms, p95 ${f(scroll.p95Ms)} ms, max ${f(scroll.maxMs)} ms, ${scroll.over33Ms} frames over 33 ms; ${scroll.renderedRows} rows in the DOM at row ${scroll.scrolledToRow}`,
    `  JS heap: ${f(scroll.heapMiB)} MiB`
  ];
  console.log(lines.join('\n'));
  const out = process.env.STUDIO_ABAC_BENCH_OUT;
  if (out) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(figures, null, 2));
  }
  await testInfo.attach('bench_render.json', {
    body: JSON.stringify(figures, null, 2),
    contentType: 'application/json'
  });
});
