/**
 * The extension in real Chromium, as Team B's Studio session (userb1@studio) against the sandbox
 * (see jupyter_server_test_config.py): Team A's work is visible under "All teams" but not theirs
 * to delete, and the UI says why.
 */
import { expect, galata, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

const SIDEBAR_ID = 'studio-abac-ext-resources';
const TEAM_A_EXPERIMENT = 'teama-seeded-experiment';
const TEAM_B_EXPERIMENT = 'userb1teambexperiment1';

async function openSidebar(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(SIDEBAR_ID as galata.SidebarTabId);
  const sidebar = page.getByRole('region', { name: 'Team resources' });
  await expect(sidebar).toBeVisible();
  return sidebar;
}

async function screenshot(target: Locator, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await target.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

function row(sidebar: Locator, name: string): Locator {
  return sidebar
    .getByRole('list', { name: 'Experiments' })
    .getByRole('listitem')
    .filter({ has: sidebar.page().getByRole('button', { name: `Show details of ${name}` }) });
}

test.describe('Team resources sidebar', () => {
  test("lists Team B's experiments only under My team", async ({ page }, testInfo) => {
    // Given JupyterLab as userb1, a member of Team B
    // When the sidebar opens
    const sidebar = await openSidebar(page);
    // Then it names the caller and the team
    await expect(sidebar.getByRole('group', { name: 'Signed in as' })).toContainText('userb1');
    await expect(sidebar.getByRole('group', { name: 'Signed in as' })).toContainText('TeamB');
    await expect(sidebar.getByRole('combobox', { name: 'Scope' })).toHaveValue('team');
    // And lists Team B's experiment and none of Team A's
    await expect(row(sidebar, TEAM_B_EXPERIMENT)).toBeVisible();
    await expect(sidebar.getByText(TEAM_A_EXPERIMENT)).toHaveCount(0);
    await expect(sidebar.getByText('usera2teamaexperiment1')).toHaveCount(0);
    await screenshot(sidebar, testInfo, 'sidebar-my-team');
  });

  test('creates "x" through the dialog and shows it with its tags', async ({
    page,
    request
  }, testInfo) => {
    // Given no experiment "x" yet (a reused server may hold one from an earlier run)
    await request.delete('/studio-abac-ext/experiments/x');
    const sidebar = await openSidebar(page);
    // When userb1 fills in the New experiment dialog
    await sidebar.getByRole('button', { name: 'New experiment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New experiment' });
    await expect(dialog).toBeVisible();
    const name = dialog.getByRole('textbox', { name: 'Name' });
    await name.fill('x_');
    await expect(dialog.getByText('"_" is not allowed in a name.')).toBeVisible();
    await name.fill('x');
    await dialog.getByRole('textbox', { name: 'Description' }).fill('made by Galata');
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    await dialog.getByRole('textbox', { name: 'Tag key 1' }).fill('project');
    await dialog.getByRole('textbox', { name: 'Tag value 1' }).fill('churn');
    // Then it shows the locked team tag and the preflight's allowing statement before "Create"
    await expect(dialog.getByRole('region', { name: 'Tags added for you' })).toContainText(
      'team = TeamB'
    );
    await expect(dialog.getByRole('status', { name: 'Policy check' })).toContainText(
      'Allowed by statement AmazonSageMakerCreate'
    );
    // And, as the engine decided it, why each locked tag is added
    const locked = dialog.getByRole('region', { name: 'Tags added for you' });
    await expect(locked.getByRole('listitem').filter({ hasText: 'team = TeamB' })).toContainText(
      'required by team-3-studio-developer/AmazonSageMakerCreate'
    );
    await expect(
      locked.getByRole('listitem').filter({ hasText: 'studiouserid = userb1' })
    ).toContainText('added so admins can see who made it');
    await expect(locked).not.toContainText('your policies require it');
    await screenshot(dialog, testInfo, 'new-experiment-dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toHaveCount(0);
    // And the list shows "x" with the team, owner and extra tags
    await expect(row(sidebar, 'x')).toBeVisible();
    await row(sidebar, 'x').getByRole('button', { name: 'Show details of x' }).click();
    const details = sidebar.getByRole('region', { name: 'Details of x' });
    const tags = details.getByRole('table', { name: 'Tags' });
    await expect(tags.getByRole('row', { name: 'team TeamB' })).toBeVisible();
    await expect(tags.getByRole('row', { name: 'studiouserid userb1' })).toBeVisible();
    await expect(tags.getByRole('row', { name: 'project churn' })).toBeVisible();
    await screenshot(sidebar, testInfo, 'sidebar-created-x');

    // When userb1 deletes their own experiment, Then it is gone (no Access denied)
    await row(sidebar, 'x').getByRole('button', { name: 'Delete x', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect(row(sidebar, 'x')).toHaveCount(0);
    await expect(page.getByRole('dialog', { name: 'Access denied' })).toHaveCount(0);
  });

  test("shows Team A's experiment under All teams with a denied badge, and deleting it explains the denial", async ({
    page
  }, testInfo) => {
    const sidebar = await openSidebar(page);
    // When userb1 looks at all teams
    await sidebar.getByRole('combobox', { name: 'Scope' }).selectOption({ label: 'All teams' });
    // Then Team A's experiment is listed with its delete marked denied
    const teamA = row(sidebar, TEAM_A_EXPERIMENT);
    await expect(teamA).toBeVisible();
    await expect(teamA.getByText('Denied', { exact: true })).toBeVisible();
    await expect(
      teamA.getByRole('button', { name: `Why can't I delete ${TEAM_A_EXPERIMENT}?` })
    ).toBeVisible();
    await expect(row(sidebar, TEAM_B_EXPERIMENT).getByText('Denied', { exact: true })).toHaveCount(0);
    await screenshot(sidebar, testInfo, 'sidebar-all-teams');

    // When userb1 tries to delete it anyway
    await teamA.getByRole("button", { name: `Delete ${TEAM_A_EXPERIMENT}`, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    // Then "Access denied" names the statement and both teams
    const denied = page.getByRole('dialog', { name: 'Access denied' });
    await expect(denied).toBeVisible();
    await expect(denied.getByRole('heading', { name: 'Why' })).toBeVisible();
    await expect(denied.getByRole('heading', { name: 'What you can do' })).toBeVisible();
    await expect(denied).toContainText('AmazonSageMakerUpdateDeleteExecutePolicy');
    const sides = denied.locator('.jp-StudioAbac-compareSide');
    await expect(sides.nth(0)).toContainText('TeamB');
    await expect(sides.nth(1)).toContainText('TeamA');
    await expect(denied.getByRole('button', { name: 'Copy details for a support ticket' })).toBeVisible();
    await screenshot(denied, testInfo, 'access-denied');
    await denied.getByRole('button', { name: 'Close' }).click();
    // And the experiment is still there
    await expect(teamA).toBeVisible();
  });

  test('works in the dark theme', async ({ page }, testInfo) => {
    await page.theme.setDarkTheme();
    const sidebar = await openSidebar(page);
    await sidebar.getByRole('combobox', { name: 'Scope' }).selectOption({ label: 'All teams' });
    await expect(row(sidebar, TEAM_A_EXPERIMENT)).toBeVisible();
    await screenshot(sidebar, testInfo, 'sidebar-all-teams-dark');
    await row(sidebar, TEAM_A_EXPERIMENT)
      .getByRole("button", { name: `Delete ${TEAM_A_EXPERIMENT}`, exact: true })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    const denied = page.getByRole('dialog', { name: 'Access denied' });
    await expect(denied).toBeVisible();
    await screenshot(denied, testInfo, 'access-denied-dark');
    await denied.getByRole('button', { name: 'Close' }).click();
    await page.theme.setLightTheme();
  });
});

test.describe('Policy denials view', () => {
  test('opens from the palette; a team member is told why the admin calls are denied', async ({
    page
  }, testInfo) => {
    // When userb1 (a data scientist, not an admin) opens the admin view from the palette
    await page.keyboard.press('Control+Shift+c');
    await page.getByRole('textbox', { name: 'SEARCH' }).fill('Policy Denials');
    await page.keyboard.press('Enter');
    const view = page.getByRole('tabpanel', { name: 'Policy denials' });
    await expect(view.getByRole('heading', { name: 'Recent denials' })).toBeVisible();
    // Then reading CloudTrail is refused in place, with a way to ask why
    await expect(view.getByRole('alert').first()).toContainText('cloudtrail:LookupEvents');
    await expect(view.getByRole('button', { name: 'Why was access denied?' }).first()).toBeVisible();
    // When userb1 simulates Team B's delete of Team A's experiment
    await view.getByRole('textbox', { name: 'Principal' }).fill('SageMakerStudioDeveloperTeamBRole');
    await view
      .getByRole('textbox', { name: 'Resource', exact: true })
      .fill(`arn:aws:sagemaker:us-east-1:123456789012:experiment/${TEAM_A_EXPERIMENT}`);
    await view.getByRole('textbox', { name: 'Resource tags' }).fill('team=TeamA');
    await view.getByRole('button', { name: 'Simulate', exact: true }).click();
    // Then "Access denied" explains that the role may not read IAM roles (iam:GetRole)
    const denied = page.getByRole('dialog', { name: 'Access denied' });
    await expect(denied).toBeVisible();
    await expect(denied).toContainText('iam:GetRole');
    await screenshot(denied, testInfo, 'policy-denials-simulate-denied');
    await denied.getByRole('button', { name: 'Close' }).click();
    await screenshot(view, testInfo, 'policy-denials');
  });
});
