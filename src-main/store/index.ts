export { openStore } from './facade.ts';
export { streamKey } from './types.ts';
export type * from './types.ts';
