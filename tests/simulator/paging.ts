// Paging moved to src-main/demo/api/paging.ts (the demo workspace answers with it too); re-exported
// here for the test kit's imports.
export * from '../../src-main/demo/api/paging.ts';
