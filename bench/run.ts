// `npm run bench -- <name> [args]` runs bench/<name>.ts, whose `main(args)` prints human-readable
// lines and, last, one JSON object with the figures.
import { existsSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run bench -- <name>   (e.g. paging)');
  process.exit(2);
}
const file = new URL(`./${name}.ts`, import.meta.url);
if (!existsSync(file)) {
  console.error(`no benchmark named ${name} (expected bench/${name}.ts)`);
  process.exit(2);
}
const bench = (await import(file.href)) as { main?: (args: string[]) => Promise<void> };
if (typeof bench.main !== 'function') {
  console.error(`bench/${name}.ts does not export main(args)`);
  process.exit(2);
}
await bench.main(args);
