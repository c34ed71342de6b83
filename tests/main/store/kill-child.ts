// Child process for the kill -9 test: commits pages of one stream until it is killed, printing
// the page number after each commit. Usage: node kill-child.ts <store file> <page size>
import { openStore } from '../../../src-main/store/index.ts';
import { ACCOUNT_SID, buildFixture, chunks } from './fixture.ts';

const [file, size] = process.argv.slice(2);
if (file === undefined || size === undefined) throw new Error('usage: kill-child.ts <file> <page size>');
const fixture = buildFixture({ seed: 31, assessments: 20_000, comments: 0 });
const pages = chunks(fixture.assessments, Number(size));
const store = await openStore({ file, accountSid: ACCOUNT_SID });
const scope = { all: true } as const;
const { pass, resumeFrom } = await store.openPass('assessments', scope);
let page = resumeFrom === null ? 0 : Number(resumeFrom.split('=').at(-1));
for (; page < pages.length; page++) {
  const next =
    page === pages.length - 1 ? null : `https://flex-api.twilio.com/v1/Assessments?Page=${page + 1}`;
  await store.commitPage({ kind: 'assessments', scope, pass, records: pages[page]!, next });
  process.stdout.write(`committed ${page + 1}\n`);
}
await store.close();
