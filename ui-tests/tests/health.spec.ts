import { expect, test } from '@jupyterlab/galata';

test.describe('server extension check', () => {
  test('the frontend finds the server extension of its own version', async ({
    page,
    request
  }) => {
    // Given JupyterLab started with studio-abac-ext installed
    // When the extension's frontend activates (Galata waits for the app in the fixture)
    const messages: string[] = [];
    page.on('console', message => messages.push(message.text()));
    await page.reload();
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });

    // Then the server extension answers the health check with the frontend's version
    const response = await request.get('/studio-abac-ext/health');
    expect(response.ok()).toBeTruthy();
    const health = await response.json();
    const { version } = require('../../package.json');
    expect(health.version).toBe(version);
    await expect
      .poll(() => messages.some(m => m.includes(`server extension ${version} is active`)))
      .toBe(true);
    // And no warning about a missing or different server extension is shown
    await expect(page.getByText('studio-abac-ext server extension is not available')).toHaveCount(0);
    await expect(page.getByText('studio-abac-ext versions differ')).toHaveCount(0);
  });
});
