// Runs the real @openzeppelin/merkle-tree on the cases the Rust interop test writes, and reports what
// the package computes, so the Rust side can compare byte for byte.
//
// Usage: node oz-tree.js CASES.json > RESULTS.json
//   CASES.json: [{ "values": [[round, index, account, amount], ...],   // strings, as in our dumps
//                  "dump": { standard-v1 dump written by podium } }, ...]
//   RESULTS.json: [{ "root", "dump", "proofs": [[...]], "loadedRoot", "loadedProofsVerify" }, ...]
// A distribution file can be checked the same way: node oz-tree.js --distribution FILE
"use strict";

const fs = require("fs");
const { StandardMerkleTree } = require("@openzeppelin/merkle-tree");

const ENCODING = ["uint256", "uint256", "address", "uint256"];

function ozCase({ values, dump }) {
  const tree = StandardMerkleTree.of(values, ENCODING);
  const proofs = values.map((_, i) => tree.getProof(i));
  // load() validates every leaf hash and every inner node of our dump.
  const loaded = StandardMerkleTree.load(dump);
  const loadedProofsVerify = values.every((v, i) =>
    StandardMerkleTree.verify(loaded.root, ENCODING, v, loaded.getProof(i)),
  );
  return { root: tree.root, dump: tree.dump(), proofs, loadedRoot: loaded.root, loadedProofsVerify };
}

function ozDistribution(path) {
  const file = JSON.parse(fs.readFileSync(path, "utf8"));
  const loaded = StandardMerkleTree.load(file.tree);
  const claims = Object.entries(file.claims).map(([account, c]) => {
    const value = [String(file.round), String(c.index), account, c.amount];
    return {
      account,
      verifies: StandardMerkleTree.verify(file.root, ENCODING, value, c.proof),
      proofMatches: JSON.stringify(loaded.getProof(value)) === JSON.stringify(c.proof),
    };
  });
  return { loadedRoot: loaded.root, claims };
}

const args = process.argv.slice(2);
if (args[0] === "--distribution") {
  process.stdout.write(JSON.stringify(ozDistribution(args[1])));
} else {
  const cases = JSON.parse(fs.readFileSync(args[0], "utf8"));
  process.stdout.write(JSON.stringify(cases.map(ozCase)));
}
