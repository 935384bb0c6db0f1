/**
 * The "Policy denials" view in real Chromium, as the scenario's admin IAM user against the sandbox
 * (the "admin" project in playwright.config.js). Before JupyterLab started, userb1's Studio
 * session tried to delete Team A's experiment and was denied: CloudTrail has that denial.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

const TEAM_A_EXPERIMENT_ARN =
  'arn:aws:sagemaker:us-east-1:123456789012:experiment/teama-seeded-experiment';
const TEAM_A_ROLE = 'SageMakerStudioDeveloperTeamARole';
const TEAM_B_ROLE = 'SageMakerStudioDeveloperTeamBRole';
const DELETE = 'sagemaker:DeleteExperiment';
const DELETE_STATEMENT = 'AmazonSageMakerUpdateDeleteExecutePolicy';

async function openPolicyDenials(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  await page.keyboard.press('Control+Shift+c');
  await page.getByRole('textbox', { name: 'SEARCH' }).fill('Policy Denials');
  await page.keyboard.press('Enter');
  const view = page.getByRole('tabpanel', { name: 'Policy denials' });
  await expect(
    view.getByRole('heading', { name: 'Recent denials' })
  ).toBeVisible();
  return view;
}

async function screenshot(
  target: Locator,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await target.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

function denialsTable(view: Locator): Locator {
  return view.getByRole('table', { name: 'Recent denials' });
}

function userb1Denial(view: Locator): Locator {
  return denialsTable(view)
    .getByRole('row')
    .filter({ hasText: 'userb1' })
    .filter({ hasText: DELETE });
}

async function applyFilters(
  view: Locator,
  user: string,
  action: string
): Promise<void> {
  await view.getByRole('textbox', { name: 'Filter by user' }).fill(user);
  await view.getByRole('textbox', { name: 'Filter by action' }).fill(action);
  await view.getByRole('button', { name: 'Apply filters' }).click();
}

async function checkIsolation(view: Locator, role: string): Promise<void> {
  const isolation = view.getByRole('region', { name: 'Isolation check' });
  await isolation.getByRole('textbox', { name: 'Role to check' }).fill(role);
  await isolation.getByRole('button', { name: 'Check isolation' }).click();
  await expect(isolation.getByRole('list', { name: 'Findings' })).toBeVisible();
}

async function simulate(view: Locator, principal: string): Promise<Locator> {
  const form = view.getByRole('region', { name: 'Simulate' });
  await form.getByRole('textbox', { name: 'Principal' }).fill(principal);
  await form.getByRole('textbox', { name: 'Action' }).fill(DELETE);
  await form
    .getByRole('textbox', { name: 'Resource', exact: true })
    .fill(TEAM_A_EXPERIMENT_ARN);
  await form.getByRole('textbox', { name: 'Resource tags' }).fill('team=TeamA');
  await form.getByRole('button', { name: 'Simulate', exact: true }).click();
  return form.getByRole('status', { name: 'Decision' });
}

/** The delete statement's condition: the principal's team tag (TeamB) against the resource's. */
async function expectTeamsCompared(container: Locator): Promise<void> {
  const statement = container.getByRole('region', {
    name: `Statement ${DELETE_STATEMENT} of policy team-3-studio-developer`
  });
  await expect(statement).toBeVisible();
  const sides = statement.getByRole('definition');
  await expect(sides.nth(0)).toHaveText('TeamB');
  await expect(sides.nth(1)).toHaveText('TeamA');
  // The principal's side is named after the role: the admin reading it is not Team B
  await expect(statement.getByRole('term').nth(0)).toHaveText(
    `${TEAM_B_ROLE}'s (team tag)`
  );
  // The role's long label wraps, yet both values stay on one row, side by side
  const [principal, resource] = [
    await sides.nth(0).boundingBox(),
    await sides.nth(1).boundingBox()
  ];
  if (!principal || !resource) {
    throw new Error('the compared values are not laid out');
  }
  expect(Math.abs(principal.y - resource.y)).toBeLessThan(1);
  expect(principal.x + principal.width).toBeLessThanOrEqual(resource.x);
}

test.describe('Policy denials view, as the admin', () => {
  test("lists userb1's denied delete, and the filters narrow the list", async ({
    page
  }, testInfo) => {
    // Given CloudTrail holds userb1's denied delete of Team A's experiment
    // When the admin opens the view
    const view = await openPolicyDenials(page);
    // Then the denial shows when, who (the person and the role), what and on which resource
    const denial = userb1Denial(view);
    await expect(denial).toHaveCount(1);
    await expect(denial.getByRole('cell').nth(0)).toHaveText(/\d/);
    await expect(denial.getByRole('cell', { name: /^userb1/ })).toContainText(
      TEAM_B_ROLE
    );
    await expect(
      denial.getByRole('cell', { name: new RegExp(`^${DELETE}`) })
    ).toContainText(TEAM_A_EXPERIMENT_ARN);
    await screenshot(view, testInfo, 'admin-denials');

    // When the admin filters by userb1, Then the denial stays
    await applyFilters(view, 'userb1', '');
    await expect(userb1Denial(view)).toHaveCount(1);
    // When the admin filters by usera1, Then nothing is listed and the view says so
    await applyFilters(view, 'usera1', '');
    await expect(denialsTable(view)).toHaveCount(0);
    await expect(
      view.getByText('No denials recorded for these filters.')
    ).toBeVisible();
    // When the admin filters by the delete action, Then the denial is back
    await applyFilters(view, '', DELETE);
    await expect(userb1Denial(view)).toHaveCount(1);
    // When the admin filters by an action nobody was denied, Then nothing is listed
    await applyFilters(view, '', 'sagemaker:CreateExperiment');
    await expect(denialsTable(view)).toHaveCount(0);
    // When both filters match, Then the denial is listed
    await applyFilters(view, 'userb1', DELETE);
    await expect(userb1Denial(view)).toHaveCount(1);
    await screenshot(view, testInfo, 'admin-denials-filtered');
  });

  test("explains userb1's denial: Team B's role against Team A's experiment", async ({
    page
  }, testInfo) => {
    // Given the admin sees userb1's denial
    const view = await openPolicyDenials(page);
    // When they ask for its explanation
    await userb1Denial(view)
      .getByRole('button', {
        name: `Explain the denial of ${DELETE} to userb1`
      })
      .click();
    // Then the statement that came closest is named, with TeamB (the role's tag) against TeamA
    const dialog = page.getByRole('dialog', {
      name: `Why ${DELETE} was denied`
    });
    await expect(dialog).toBeVisible();
    await expect(
      dialog.getByRole('status', { name: 'Decision' })
    ).toContainText('implicitDeny');
    await expectTeamsCompared(dialog);
    await screenshot(dialog, testInfo, 'admin-explain-denial');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  });

  test("simulates Team B's and Team A's roles deleting Team A's experiment", async ({
    page
  }, testInfo) => {
    const view = await openPolicyDenials(page);
    // When the admin simulates Team B's role deleting Team A's experiment tagged team=TeamA
    const decision = await simulate(view, TEAM_B_ROLE);
    // Then it is an implicit deny, explained by the statement comparing the team tags
    await expect(decision).toContainText('implicitDeny');
    await expect(decision).toContainText('Denied (no statement allows it)');
    await expectTeamsCompared(decision);
    await screenshot(
      view.getByRole('region', { name: 'Simulate' }),
      testInfo,
      'admin-simulate-denied'
    );

    // When the admin simulates the same as Team A's role
    const allowed = await simulate(view, TEAM_A_ROLE);
    // Then it is allowed by that same statement
    await expect(allowed).toContainText('allowed');
    await expect(allowed).toContainText('Allowed');
    await expect(allowed).toContainText(DELETE_STATEMENT);
    await screenshot(
      view.getByRole('region', { name: 'Simulate' }),
      testInfo,
      'admin-simulate-allowed'
    );
  });

  test("checks Team A's role and lists the AddTags re-tag path", async ({
    page
  }) => {
    // Given a simulated decision above, which pushes the isolation check below the fold
    const view = await openPolicyDenials(page);
    await expect(await simulate(view, TEAM_B_ROLE)).toContainText(
      'implicitDeny'
    );
    // When the admin scrolls down to check Team A's role
    await checkIsolation(view, TEAM_A_ROLE);
    // Then the findings are listed, among them the high "retag-takeover" one about AddTags
    const findings = view.getByRole('list', { name: 'Findings' });
    const retag = findings
      .getByRole('listitem')
      .filter({ hasText: 'retag-takeover' });
    await expect(retag).toHaveCount(1);
    await expect(retag).toContainText('high');
    await expect(retag).toContainText('AddTags');
    await expect(findings.getByRole('listitem')).not.toHaveCount(1);
    // When the admin opens its fix, Then it is policy JSON to use instead
    await retag.getByText('Fix: statements to use instead').click();
    await expect(retag.getByRole('group')).toContainText('"Effect": "Deny"');
    // And the last finding can be scrolled to
    await findings.getByRole('listitem').last().scrollIntoViewIfNeeded();
    await expect(findings.getByRole('listitem').last()).toBeInViewport();
  });

  test('keeps the reading order when tabbing through the forms', async ({
    page
  }) => {
    const view = await openPolicyDenials(page);
    // Given the focus in the user filter
    await view.getByRole('textbox', { name: 'Filter by user' }).focus();
    // When the admin tabs on, Then the focus follows the visual order of the filters
    await page.keyboard.press('Tab');
    await expect(
      view.getByRole('textbox', { name: 'Filter by action' })
    ).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(
      view.getByRole('button', { name: 'Apply filters' })
    ).toBeFocused();
    // And from the principal, through every field of the simulator to its button
    const form = view.getByRole('region', { name: 'Simulate' });
    await form.getByRole('textbox', { name: 'Principal' }).focus();
    for (const name of [
      'Action',
      'Resource',
      'Resource tags',
      'Request tags'
    ]) {
      await page.keyboard.press('Tab');
      await expect(
        form.getByRole('textbox', { name, exact: true })
      ).toBeFocused();
    }
    await page.keyboard.press('Tab');
    await expect(
      form.getByRole('button', { name: 'Simulate', exact: true })
    ).toBeFocused();
  });
});

/** A window tall enough that each section's screenshot shows all of it. */
test.describe('Policy denials view, screenshots for review', () => {
  test.use({ viewport: { width: 1024, height: 2600 } });

  for (const theme of ['light', 'dark'] as const) {
    test(`in the ${theme} theme`, async ({ page }, testInfo) => {
      // Given the view with a denial, a simulated decision and the findings
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      const view = await openPolicyDenials(page);
      await expect(userb1Denial(view)).toHaveCount(1);
      await expect(await simulate(view, TEAM_B_ROLE)).toContainText(
        'implicitDeny'
      );
      await checkIsolation(view, TEAM_A_ROLE);
      await view
        .getByRole('listitem')
        .filter({ hasText: 'retag-takeover' })
        .getByText('Fix: statements to use instead')
        .click();
      // When each section is photographed, Then the pictures are attached
      for (const section of ['Recent denials', 'Simulate', 'Isolation check']) {
        await screenshot(
          view.getByRole('region', { name: section }),
          testInfo,
          `admin-${section.toLowerCase().replace(/ /g, '-')}-${theme}`
        );
      }
      await userb1Denial(view)
        .getByRole('button', { name: /^Explain/ })
        .click();
      const dialog = page.getByRole('dialog', {
        name: `Why ${DELETE} was denied`
      });
      await expect(dialog).toBeVisible();
      await screenshot(
        dialog.locator('.jp-Dialog-content'),
        testInfo,
        `admin-explain-denial-${theme}`
      );
      await dialog.getByRole('button', { name: 'Close' }).click();
      if (theme === 'dark') {
        await page.theme.setLightTheme();
      }
    });
  }
});
