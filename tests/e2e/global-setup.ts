import { buildForBrowser } from './build.ts';

// One build for the whole e2e layer: the browser tests load what users get.
export default async function setup(): Promise<void> {
  await buildForBrowser();
}
