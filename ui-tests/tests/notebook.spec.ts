/**
 * Denials where data scientists meet them: a notebook cell, as Team B's Studio session
 * (userb1@studio) against the sandbox. The kernel inherits the lab's environment (the sandbox's
 * AWS_ENDPOINT_URL and userb1's credentials, see jupyter_server_test_config.py), so boto3 in the
 * cell meets the sandbox's real IAM decision.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

const NOTEBOOK = 'denied.ipynb';
const DELETE_TEAM_A_EXPERIMENT = [
  'import boto3',
  'boto3.client("sagemaker").delete_experiment(ExperimentName="teama-seeded-experiment")'
].join('\n');

async function screenshot(target: Locator, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await target.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function expectExplainedDenial(
  page: IJupyterLabPageFixture,
  output: Locator,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  // One button per denial: the kernel's card has it, the traceback's own is then hidden
  const buttons = output.getByRole('button', { name: 'Why was this denied?' });
  await expect(buttons).toHaveCount(1);
  const why = buttons.first();
  await expect(why).toBeVisible();
  await why.click();
  // Then the sidebar's "Access denied" dialog names the statement and both teams
  const dialog = page.getByRole('dialog', { name: 'Access denied' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('AmazonSageMakerUpdateDeleteExecutePolicy');
  await expect(dialog).toContainText('TeamB');
  await expect(dialog).toContainText('TeamA');
  await expect(dialog).toContainText('sagemaker:DeleteExperiment');
  await screenshot(dialog, testInfo, name);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
}

test.describe('Denials in a notebook', () => {
  test('a cell deleting Team A\'s experiment offers "Why was this denied?", also reopened from disk', async ({
    page,
    tmpPath
  }, testInfo) => {
    // Given a notebook whose cell deletes Team A's experiment with boto3, as userb1 (Team B)
    await page.notebook.createNew(NOTEBOOK);
    await page.notebook.setCell(0, 'code', DELETE_TEAM_A_EXPERIMENT);
    // When the cell runs
    await page.notebook.runCell(0);
    const output = (await page.notebook.getCellOutputLocator(0))!;
    // Then the traceback shows AWS's denial
    await expect(output).toContainText('AccessDeniedException');
    await expect(output).toContainText('is not authorized to perform: sagemaker:DeleteExperiment');
    await screenshot(output, testInfo, 'cell-denied');
    // And the button explains it
    await expectExplainedDenial(page, output, testInfo, 'dialog-after-run');

    // When the notebook is saved, closed and reopened from disk (the kernel's output kept)
    await page.notebook.save();
    await page.notebook.close();
    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    const restored = (await page.notebook.getCellOutputLocator(0))!;
    await expect(restored).toContainText('AccessDeniedException');
    // Then the same explanation is still offered, without running anything
    await expectExplainedDenial(page, restored, testInfo, 'dialog-reopened');
  });
});

test.describe('Denials in a console', () => {
  test('a console cell deleting Team A\'s experiment offers one "Why was this denied?"', async ({
    page
  }, testInfo) => {
    // Given a code console with the Python kernel, its kernel session ready
    await page.evaluate(async () => {
      const panel = await window.jupyterapp.commands.execute('console:create', {
        kernelPreference: { name: 'python3' }
      });
      await panel.sessionContext.ready;
    });
    await expect(page.locator('.jp-CodeConsole')).toHaveCount(1);
    // When a boto3 call deleting Team A's experiment is typed into the prompt and run
    // (one line: typed newlines and brackets would meet the editor's auto-indent and auto-close)
    const prompt = page.locator('.jp-CodeConsole-promptCell .cm-content');
    await prompt.click();
    await page.keyboard.type(DELETE_TEAM_A_EXPERIMENT.replace('\n', '; '));
    await expect(prompt).toContainText('teama-seeded-experiment');
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('console:run-forced');
    });
    // Then the executed cell's output shows AWS's denial
    const output = page.locator('.jp-CodeConsole-content .jp-CodeCell .jp-OutputArea').last();
    await expect(output).toContainText('AccessDeniedException');
    await expect(output).toContainText('is not authorized to perform: sagemaker:DeleteExperiment');
    await screenshot(output, testInfo, 'console-denied');
    // And exactly one button explains it
    await expectExplainedDenial(page, output, testInfo, 'console-dialog');
  });
});
