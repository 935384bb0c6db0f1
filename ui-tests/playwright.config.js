/**
 * Galata in Debian's Chromium (Playwright's own browser download does not work on our machines).
 *
 * Two projects, each against its own JupyterLab and sandbox (see jupyter_server_test_config.py):
 * "team-member" runs as Team B's Studio session (userb1@studio) on port 8888, "admin" as the
 * scenario's admin IAM user on port 8889, with userb1's denied delete already in CloudTrail.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const TEAM_MEMBER_URL = 'http://localhost:8888';
const ADMIN_URL = 'http://localhost:8889';
const ADMIN_SPECS = /admin[^/]*\.spec\.ts$/;

function jupyterLab(url, persona) {
  const port = new URL(url).port;
  return {
    command: `jlpm start --port ${port}`,
    url: `${url}/lab`,
    env: { STUDIO_ABAC_UI_PERSONA: persona },
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  };
}

module.exports = {
  ...baseConfig,
  timeout: 90000,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    video: 'off',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  projects: [
    {
      name: 'team-member',
      testIgnore: ADMIN_SPECS,
      use: { baseURL: TEAM_MEMBER_URL }
    },
    {
      name: 'admin',
      testMatch: ADMIN_SPECS,
      use: { baseURL: ADMIN_URL }
    }
  ],
  webServer: [
    jupyterLab(TEAM_MEMBER_URL, 'userb1@studio'),
    jupyterLab(ADMIN_URL, 'admin')
  ]
};
