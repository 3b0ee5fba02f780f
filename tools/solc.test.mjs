// Tests for the solc shim (tools/solc), run by `make test` with node's built-in test runner.
// They drive the shim as forge does: a child process, standard JSON on stdin, output through a pipe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHIM = join(ROOT, 'tools', 'solc');
const PINNED = readFileSync(join(ROOT, 'foundry.toml'), 'utf8').match(/^solc = "([0-9.]+)"/m)[1];

function run(args, input, cwd = tmpdir()) {
  const r = spawnSync(SHIM, args, { input, cwd, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

function standardJson(sources, remappings = []) {
  return JSON.stringify({
    language: 'Solidity',
    sources,
    settings: { remappings, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'], '': ['ast'] } } },
  });
}

test('--version prints the pinned version where forge looks for it', () => {
  const r = run(['--version']);
  assert.equal(r.status, 0);
  const m = r.stdout.match(/^Version: (\d+\.\d+\.\d+)\+commit\.[0-9a-f]+/m);
  assert.ok(m, `unexpected --version output: ${r.stdout}`);
  assert.equal(m[1], PINNED);
});

test('a large output (OpenZeppelin imports) arrives whole through a pipe, from any directory', () => {
  const src = `// SPDX-License-Identifier: MIT
pragma solidity ${PINNED};
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
contract Big is ERC20 { constructor() ERC20("a", "b") {} }`;
  // The imports are not in `sources`: the shim must read them from the base path.
  const r = run(
    ['--standard-json', '--base-path', ROOT, '--include-path', 'node_modules'],
    standardJson({ 'Big.sol': { content: src } }, ['@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/']),
    '/',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.length > 256 * 1024, `output only ${r.stdout.length} bytes; expected a large one`);
  const out = JSON.parse(r.stdout); // throws if truncated
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  assert.deepEqual(errors, []);
  assert.ok(out.contracts['Big.sol'].Big.evm.bytecode.object.length > 1000);
});

test('compiler errors come back as JSON, not a crash', () => {
  const r = run(['--standard-json'], standardJson({ 'Bad.sol': { content: 'pragma solidity ^0.8.0; contract X { function f( }' } }));
  assert.equal(r.status, 0);
  const out = JSON.parse(r.stdout);
  assert.ok(out.errors.some((e) => e.severity === 'error' && e.type === 'ParserError'), r.stdout);
});

test('a missing import names the paths searched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shim-'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib', 'Found.sol'), 'pragma solidity ^0.8.0; contract Found {}');
  const sources = { 'A.sol': { content: 'pragma solidity ^0.8.0; import "Found.sol"; import "Missing.sol"; contract A {}' } };
  const r = run(['--standard-json', '--base-path', dir, '--include-path', 'lib'], standardJson(sources));
  const out = JSON.parse(r.stdout);
  const msgs = out.errors.map((e) => e.message).join('\n');
  assert.match(msgs, /Missing\.sol/);
  assert.doesNotMatch(msgs, /Found\.sol/);
});

test('anything but --version and --standard-json is refused', () => {
  const r = run(['--bin', 'x.sol']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /only --version and --standard-json/);
});
