/**
 * Composition root: builds every service from the ports. No Electron import, so the desktop app,
 * the CLI, the tests and the browser harness all run this same code.
 */
import { createAccountsService, type AccountsService } from './accounts/service.ts';
import { createAppService, type AppService } from './app-service.ts';
import { createFlexClient } from './flex/client.ts';
import type { FlexTarget } from './flex/types.ts';
import type { Ports } from './ports.ts';
import type { ConnectionTestResult } from '../src-preload/contract.ts';

export interface Services {
  app: AppService;
  accounts: AccountsService;
  close(): Promise<void>;
}

async function testConnection(target: FlexTarget): Promise<ConnectionTestResult> {
  const client = createFlexClient(target);
  try {
    return await client.testConnection();
  } finally {
    await client.close();
  }
}

export async function createServices(ports: Ports): Promise<Services> {
  const app = await createAppService(ports);
  const accounts = await createAccountsService({ ...ports, testConnection });
  return {
    app,
    accounts,
    async close() {
      await accounts.close();
    },
  };
}
