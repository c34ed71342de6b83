import { openDatabase } from '../../../src-main/store/database.ts';
import { createWriter } from '../../../src-main/store/writer.ts';
import { createReader } from '../../../src-main/store/reader.ts';
import { createDataset } from '../../simulator/index.ts';
import { parse, referenceOf, ACCOUNT_SID, tempDir } from './fixture.ts';
import { AssessmentSchema, CommentSchema } from '../../../src-main/flex/schemas.ts';
const N = Number(process.argv[2] ?? 100000);
const data = createDataset({ seed: 5, accountSid: ACCOUNT_SID, assessments: N, origin: 'http://x' });
const t = await tempDir();
const db = openDatabase(t.file(), ACCOUNT_SID, 'writer');
const w = createWriter(db);
w.putReference(referenceOf(data));
let t0 = performance.now();
const recs = [];
for (let i = 0; i < 10000; i++) recs.push(parse(AssessmentSchema, data.assessment(i)));
console.log('parse 10k ms', performance.now() - t0);
const p = w.openPass('assessments', { all: true });
t0 = performance.now();
const PAGE = 5000;
let cpu = 0;
for (let i = 0; i < N; i += PAGE) {
  const page = [];
  for (let k = i; k < Math.min(N, i + PAGE); k++) page.push(parse(AssessmentSchema, data.assessment(k)));
  const c0 = process.cpuUsage();
  w.commitPage({ kind: 'assessments', scope: { all: true }, pass: p.pass, records: page, next: i + PAGE >= N ? null : 'n' });
  const c1 = process.cpuUsage(c0); cpu += (c1.user + c1.system) / 1e6;
}
console.log('commit cpu s', cpu.toFixed(2), 'rows/cpu-s', Math.round(N / cpu));
const s = (performance.now() - t0) / 1000;
console.log('assessments', N, 's', s.toFixed(1), 'rows/s', Math.round(N / s));
t0 = performance.now();
const pc = w.openPass('comments', { all: true });
const C = data.commentCount;
for (let i = 0; i < C; i += PAGE) {
  const page = [];
  for (let k = i; k < Math.min(C, i + PAGE); k++) page.push(parse(CommentSchema, data.comment(k)));
  w.commitPage({ kind: 'comments', scope: { all: true }, pass: pc.pass, records: page, next: i + PAGE >= C ? null : 'n' });
}
const sc = (performance.now() - t0) / 1000;
console.log('comments', C, 's', sc.toFixed(1), 'rows/s', Math.round(C / sc));
// re-commit unchanged page
const again = w.openPass('assessments', { all: true });
const page = []; for (let k = 0; k < 1000; k++) page.push(parse(AssessmentSchema, data.assessment(k)));
t0 = performance.now(); w.commitPage({ kind: 'assessments', scope: { all: true }, pass: again.pass, records: page, next: 'x' }); console.log('unchanged 1000 ms', performance.now() - t0);
const r = createReader(openDatabase(t.file(), ACCOUNT_SID, 'reader'));
for (const sort of [[], [{column:'agentName',dir:'desc'}], [{column:'timestamp',dir:'asc'}, {column:'answer', dir:'asc'}]]) {
  t0 = performance.now(); const res = r.assessments({ filters: {}, sort, offset: 0, limit: 100 }); const m = performance.now() - t0;
  t0 = performance.now(); r.assessments({ filters: {}, sort, offset: Math.floor(res.total/2), limit: 100 }); console.log(JSON.stringify(sort), 'materialise ms', m.toFixed(0), 'window ms', (performance.now()-t0).toFixed(2), res.total);
}
t0 = performance.now(); console.log(r.distinct({kind:'assessments', column:'questionSid', filters:{}, limit: 200}).values.length, 'distinct ms', performance.now()-t0);
t0 = performance.now(); console.log(r.distinct({kind:'assessments', column:'agentId', filters:{}, limit: 200}).values.length, 'distinct agent ms', performance.now()-t0);
t0 = performance.now(); const fr = r.comments({filters:{text:'escalation'}, sort: [], offset: 0, limit: 100}); console.log(fr.total, 'fts ms', performance.now()-t0);
const { statSync } = await import('node:fs');
console.log('file MB', statSync(t.file()).size / 1e6);
try { console.log(db.prepare("select name, sum(pgsize)/1e6 mb from dbstat group by name order by mb desc limit 30").all()); } catch (e) { console.log(String(e)); }
await t.remove();
