import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SimAccount } from '../simulator/index.ts';
import {
  browserAvailable,
  launchBrowser,
  pageErrors,
  screenshotOnFailure,
  type BrowserSession,
} from './support/browser.ts';
import { startStack, type Stack } from './support/stack.ts';
import { secretServiceOrSkip } from '../support/keychain-gate.ts';

const hex = (c: string) => c.repeat(32);
const EU: SimAccount = { accountSid: `AC${hex('e')}`, authToken: 'eu-token-4f1c9a7d2b', apiKeys: [] };
const US: SimAccount = {
  accountSid: `AC${hex('a')}`,
  authToken: 'us-token-0d93e8b6c1',
  apiKeys: [{ sid: `SK${hex('b')}`, secret: 'us-key-secret-77e2a9' }],
};
const SECRETS = [EU.authToken, US.authToken, US.apiKeys[0]!.secret];

const secretService = browserAvailable() ? await secretServiceOrSkip('e2e accounts') : null;

describe.runIf(secretService)('accounts in Chromium (real keychain, simulator)', () => {
  let stack: Stack;
  let session: BrowserSession;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    stack = await startStack({
      keychain: secretService!,
      simulator: { accounts: [EU, US], assessments: 10 },
    });
    session = await launchBrowser();
    page = await session.browser.newPage();
    errors = pageErrors(page);
    await page.goto(stack.harness.url);
    await page.getByTestId('app-shell').waitFor();
  });
  afterAll(async () => {
    await session?.close();
    await stack?.close();
    await secretService?.stop();
  });

  const row = (label: string) => page.locator(`[data-testid="account-row"][data-account-label="${label}"]`);

  async function addAccount(label: string, sid: string, secret: string, apiKeySid?: string): Promise<void> {
    await page.getByTestId('account-add').click();
    await page.getByTestId('account-label').fill(label);
    await page.getByTestId('account-sid').fill(sid);
    if (apiKeySid) {
      await page.getByTestId('account-kind-apikey').check();
      await page.getByTestId('account-apikey-sid').fill(apiKeySid);
    }
    await page.getByTestId('account-secret').fill(secret);
    await page.getByTestId('account-advanced').click();
    await page.getByTestId('account-base-url').fill(stack.sim!.url);
    await page.getByTestId('account-save').click();
    await row(label).waitFor();
  }

  async function profileIds(): Promise<Record<string, string>> {
    const file = JSON.parse(await readFile(join(stack.dataDir, 'profiles.json'), 'utf8')) as {
      profiles: Array<{ id: string; label: string }>;
    };
    return Object.fromEntries(file.profiles.map((p) => [p.label, p.id]));
  }

  it('adds two accounts, keeping their secrets in the keychain only', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('nav-accounts').click();
    await addAccount('Support EU', EU.accountSid, EU.authToken);
    await addAccount('Sales US', US.accountSid, US.apiKeys[0]!.secret, US.apiKeys[0]!.sid);
    const ids = await profileIds();
    expect(await stack.secrets.get(ids['Support EU']!)).toBe(EU.authToken);
    expect(await stack.secrets.get(ids['Sales US']!)).toBe(US.apiKeys[0]!.secret);
  });

  it('tests both connections against the simulator', async () => {
    screenshotOnFailure(page);
    for (const label of ['Support EU', 'Sales US']) {
      await row(label).getByTestId('account-test').click();
      await row(label).locator('[data-testid="account-test-result"][data-status="ok"]').waitFor();
    }
    const proven = new Set(stack.sim!.log.filter((entry) => entry.authOk).map((entry) => entry.accountSid));
    expect(proven).toEqual(new Set([EU.accountSid, US.accountSid]));
  });

  it('switches the active account from the header', async () => {
    screenshotOnFailure(page);
    await page.getByTestId('account-switcher').click();
    await page.locator('[role="option"][data-account-label="Sales US"]').click();
    await expect.poll(() => page.getByTestId('account-switcher').textContent()).toContain('Sales US');
    const file = JSON.parse(await readFile(join(stack.dataDir, 'profiles.json'), 'utf8')) as {
      activeId: string;
    };
    expect(file.activeId).toBe((await profileIds())['Sales US']);
  });

  it('removes one account with its data and its keychain entry', async () => {
    screenshotOnFailure(page);
    const ids = await profileIds();
    await row('Support EU').getByTestId('account-remove').click();
    await page.getByTestId('remove-delete-data').check();
    await page.getByTestId('remove-confirm').click();
    await row('Support EU').waitFor({ state: 'detached' });
    // The list changes on the accounts event, before the data folder is gone; the dialog closes on the answer.
    await page.getByTestId('remove-confirm').waitFor({ state: 'detached' });
    expect(Object.keys(await profileIds())).toEqual(['Sales US']);
    expect(await stack.secrets.get(ids['Support EU']!)).toBeNull();
    expect(await stack.secrets.get(ids['Sales US']!)).toBe(US.apiKeys[0]!.secret);
  });

  it('left no secret in any file, and no page error', async () => {
    for (const file of await readdir(stack.dataDir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const bytes = await readFile(join(file.parentPath, file.name));
      for (const secret of SECRETS)
        expect(bytes.includes(Buffer.from(secret)), `${file.name} holds a secret`).toBe(false);
    }
    const html = await page.content();
    for (const secret of SECRETS) expect(html.includes(secret)).toBe(false);
    expect(errors).toEqual([]);
  });
});
