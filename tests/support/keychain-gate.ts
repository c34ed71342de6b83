/**
 * For the keychain layer: start the private Secret Service, or explain loudly why the tests are
 * skipped. With QM_REQUIRE_KEYCHAIN=1 (CI) a missing Secret Service fails instead.
 */
import { startSecretService, type SecretService } from './secret-service.ts';

export async function secretServiceOrSkip(layer: string): Promise<SecretService | null> {
  const started = await startSecretService();
  if (!('missing' in started)) return started;
  const message = `${layer}: no private Secret Service: ${started.missing}.`;
  if (process.env['QM_REQUIRE_KEYCHAIN'] === '1')
    throw new Error(`${message} QM_REQUIRE_KEYCHAIN=1 requires it.`);
  console.warn(`\n*** ${message} These keychain tests are SKIPPED. ***\n`);
  return null;
}
