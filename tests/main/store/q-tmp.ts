import { DatabaseSync } from 'node:sqlite';
const db = new DatabaseSync(process.argv[2]!);
db.exec('PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456');
function time(label: string, sql: string, ...params: any[]) {
  const plan = db.prepare('EXPLAIN QUERY PLAN ' + sql).all(...params).map((r: any) => r.detail).join(' | ');
  db.exec('DROP TABLE IF EXISTS temp.t; CREATE TEMP TABLE t(pos INTEGER PRIMARY KEY, id INTEGER NOT NULL)');
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const r = db.prepare('INSERT INTO temp.t(id) ' + sql).run(...params);
  const c = process.cpuUsage(c0);
  console.log(label.padEnd(28), String(r.changes).padStart(7), 'wall', (performance.now() - t0).toFixed(0).padStart(5), 'cpu', ((c.user + c.system) / 1000).toFixed(0).padStart(5), ' ', plan);
}
time('sid', 'SELECT id FROM assessments ORDER BY sid');
time('agent_name desc, sid', 'SELECT id FROM assessments ORDER BY agent_name DESC, sid');
time('agent_name desc, id desc', 'SELECT id FROM assessments ORDER BY agent_name DESC, id DESC');
time('scan sort agent_name,sid', 'SELECT id FROM assessments NOT INDEXED ORDER BY agent_name DESC, sid');
time('timestamp, sid', 'SELECT id FROM assessments ORDER BY timestamp, sid');
time('team=? order agent,sid', "SELECT id FROM assessments WHERE team = 'Billing' ORDER BY agent_name, sid");
time('report=1 order ts', "SELECT id FROM assessments WHERE report = 1 ORDER BY timestamp, sid");
time('report=1 NOT INDEXED', "SELECT id FROM assessments NOT INDEXED WHERE report = 1 ORDER BY timestamp, sid");
time('weight, sid', "SELECT id FROM assessments ORDER BY weight, sid");
time('weight NOT INDEXED', "SELECT id FROM assessments NOT INDEXED ORDER BY weight, sid");
time('fts escalation', `SELECT id FROM comments WHERE id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH '"escalation"') ORDER BY sid`);
time('fts cross', `SELECT id FROM assessments WHERE segment_id IN (SELECT segment_id FROM comments WHERE id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH '"refund"')) ORDER BY sid`);
