// The OpenZeppelin package's side of `make bench-merkle`: builds the tree of the values in FILE and
// gets every proof, as a JavaScript user would (StandardMerkleTree.of, then getProof for each value).
// Prints one JSON line: {"n", "ofMs", "totalMs", "root"}.
"use strict";

const fs = require("fs");
const { StandardMerkleTree } = require("@openzeppelin/merkle-tree");

const values = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const t0 = process.hrtime.bigint();
const tree = StandardMerkleTree.of(values, ["uint256", "uint256", "address", "uint256"]);
const t1 = process.hrtime.bigint();
let nodes = 0;
for (let i = 0; i < values.length; i++) {
  nodes += tree.getProof(i).length;
}
const t2 = process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
console.log(JSON.stringify({ n: values.length, ofMs: ms(t0, t1), totalMs: ms(t0, t2), proofNodes: nodes, root: tree.root }));
