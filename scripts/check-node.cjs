'use strict';
/**
 * Stops `npm install` and `npm test` on a Node older than package.json's engines.node, with one
 * line that says what to install. Plain CommonJS with no dependencies and no recent syntax: it
 * must run on the old Node it is refusing. `node scripts/check-node.cjs [version]` checks that
 * version instead of this Node's (for its test).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: no ESM loader needed */
var fs = require('fs');
var path = require('path');

var engines = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).engines;
var range = engines && engines.node;
// Only the simple ">=N[.N[.N]]" form: it is what engine-strict and this check can both read the same way.
var wanted = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(typeof range === 'string' ? range.trim() : '');
if (!wanted) {
  console.error(
    'scripts/check-node.cjs: package.json engines.node must read ">=N" (it is ' +
      JSON.stringify(range) +
      ').',
  );
  process.exit(1);
}
var minimum = [Number(wanted[1]), Number(wanted[2] || 0), Number(wanted[3] || 0)];
var given = process.argv[2] || process.versions.node;
var actual = /^v?(\d+)\.(\d+)\.(\d+)/.exec(given);
if (!actual) {
  console.error('scripts/check-node.cjs: "' + given + '" is not a Node version.');
  process.exit(1);
}

function older(a, b) {
  for (var i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

if (older([Number(actual[1]), Number(actual[2]), Number(actual[3])], minimum)) {
  var needed =
    minimum[0] + (minimum[1] || minimum[2] ? '.' + minimum[1] : '') + (minimum[2] ? '.' + minimum[2] : '');
  console.error(
    'QM Desk needs Node ' +
      needed +
      ' or newer (this is Node ' +
      given.replace(/^v/, '') +
      '). ' +
      'Install it with nvm (`nvm install ' +
      minimum[0] +
      '`) or from nodejs.org, then run npm install again.',
  );
  process.exit(1);
}
