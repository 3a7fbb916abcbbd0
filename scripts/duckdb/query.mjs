// Reads jacorpus Parquet shards with DuckDB (@duckdb/node-api, pinned in
// package.json; scripts/test-deps.sh installs it) and prints one JSON object:
//
//   node scripts/duckdb/query.mjs [--id ID]... DIR|GLOB
//   node scripts/duckdb/query.mjs --version
//
// The object holds the DuckDB version, the columns with their DuckDB types,
// count(*), sum(tokens), sum(strlen(text)) (UTF-8 bytes) and
// sum(length(text)) (characters), the counts as decimal strings (exact past
// 2^53), and for every --id the rows with that id: text, its byte length and
// md5 as DuckDB computes them. A directory means DIR/*.parquet.
// Exit status: 0 done, 1 a query failed, 2 usage, 3 @duckdb/node-api cannot be
// loaded or is not the pinned version.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function fail(code, msg) {
  process.stderr.write(`duckdb/query.mjs: ${msg}\n`);
  process.exit(code);
}

// loadDuckDB imports the package, checking that the installed version is the
// one package.json pins.
async function loadDuckDB() {
  const here = new URL('.', import.meta.url);
  const pinned = JSON.parse(readFileSync(new URL('package.json', here))).dependencies['@duckdb/node-api'];
  let installed;
  try {
    installed = JSON.parse(readFileSync(new URL('node_modules/@duckdb/node-api/package.json', here))).version;
  } catch (e) {
    fail(3, `@duckdb/node-api is not installed (run scripts/test-deps.sh): ${e.message}`);
  }
  if (installed !== pinned) {
    fail(3, `@duckdb/node-api ${installed} is installed, package.json pins ${pinned} (run scripts/test-deps.sh)`);
  }
  try {
    return { api: await import('@duckdb/node-api'), installed };
  } catch (e) {
    fail(3, `cannot load @duckdb/node-api ${installed}: ${e.message}`);
  }
}

// sqlString quotes s as an SQL string literal.
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// str turns a DuckDB integer (a JS bigint or number, null for the sum of no
// rows) into a decimal string.
const str = (v) => (v === null || v === undefined ? '0' : v.toString());

async function main(argv) {
  const ids = [];
  let target;
  let versionOnly = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--version') versionOnly = true;
    else if (argv[i] === '--id' && i + 1 < argv.length) ids.push(argv[++i]);
    else if (!argv[i].startsWith('--') && target === undefined) target = argv[i];
    else fail(2, `usage: query.mjs [--id ID]... DIR|GLOB | --version (bad argument ${JSON.stringify(argv[i])})`);
  }
  const { api, installed } = await loadDuckDB();
  if (versionOnly) {
    process.stdout.write(`@duckdb/node-api ${installed}, DuckDB ${api.version()}\n`);
    return;
  }
  if (target === undefined) fail(2, 'usage: query.mjs [--id ID]... DIR|GLOB | --version');
  let glob = target;
  try {
    if (statSync(target).isDirectory()) glob = join(target, '*.parquet');
  } catch {
    // not a path: a glob
  }
  const instance = await api.DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const from = `read_parquet(${sqlString(glob)})`;
    const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
    const columns = desc.getRowObjectsJS().map((r) => ({ name: r.column_name, type: r.column_type }));
    const tot = await conn.runAndReadAll(
      `SELECT count(*) AS n, sum(tokens) AS tokens, sum(strlen(text)) AS text_bytes, sum(length(text)) AS text_chars FROM ${from}`);
    const t = tot.getRowObjectsJS()[0];
    const out = {
      duckdb: api.version(),
      node_api: installed,
      glob,
      columns,
      count: str(t.n),
      tokens: str(t.tokens),
      text_bytes: str(t.text_bytes),
      text_chars: str(t.text_chars),
    };
    if (ids.length > 0) {
      const st = await conn.prepare(
        `SELECT id, text, strlen(text) AS bytes, md5(text) AS md5 FROM ${from} WHERE id = $1`);
      out.docs = {};
      for (const id of ids) {
        st.bindVarchar(1, id);
        const r = await st.runAndReadAll();
        out.docs[id] = r.getRowObjectsJS().map((d) => ({ text: d.text, bytes: str(d.bytes), md5: d.md5 }));
      }
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

main(process.argv.slice(2)).catch((e) => fail(1, e.message));
