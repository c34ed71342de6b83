import { openDatabase } from '../../../src-main/store/database.ts';
import { createWriter } from '../../../src-main/store/writer.ts';
import { createDataset } from '../../../src-main/demo/dataset.ts';
import { parse, referenceOf, ACCOUNT_SID } from './fixture.ts';
import { AssessmentSchema, CommentSchema, SegmentSchema } from '../../../src-main/flex/schemas.ts';
import { rmSync } from 'node:fs';
const N = Number(process.argv[2]); const file = process.argv[3]!;
rmSync(file, { force: true }); rmSync(file + '-wal', { force: true }); rmSync(file + '-shm', { force: true });
const data = createDataset({ seed: 5, accountSid: ACCOUNT_SID, assessments: N, comments: Math.round(N * 0.3), origin: 'http://x' });
const db = openDatabase(file, ACCOUNT_SID, 'writer');
const w = createWriter(db);
w.putReference(referenceOf(data));
const t0 = performance.now();
w.upsertSegments(data.segments().map((s) => parse(SegmentSchema, s)));
const PAGE = 10000;
for (const [kind, count, schema, get] of [['assessments', N, AssessmentSchema, data.assessment], ['comments', data.commentCount, CommentSchema, data.comment]] as const) {
  const p = w.openPass(kind, { all: true });
  let cpu = 0;
  for (let i = 0; i < count; i += PAGE) {
    const page = [];
    for (let k = i; k < Math.min(count, i + PAGE); k++) page.push(parse(schema as any, (get as any)(k)));
    const c0 = process.cpuUsage();
    w.commitPage({ kind, scope: { all: true }, pass: p.pass, records: page as any, next: i + PAGE >= count ? null : 'n' });
    const c = process.cpuUsage(c0); cpu += (c.user + c.system) / 1e6;
  }
  console.log(kind, count, ((performance.now() - t0) / 1000).toFixed(1), 's', 'commit cpu', cpu.toFixed(1), 'rows/cpu-s', Math.round(count / cpu));
}
db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
db.close();
