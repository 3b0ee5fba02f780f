// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Builds OpenZeppelin `StandardMerkleTree`-shaped trees in Solidity, for tests and scripts.
/// @dev Same construction as `@openzeppelin/merkle-tree` (standard-v1): leaves are double-hashed ABI
/// encodings, sorted by hash, laid out from the end of a flat array whose node `i` has children `2i+1` and
/// `2i+2`; internal nodes hash their children as a sorted pair. With the leaves sorted, the root and the
/// proofs match what the JavaScript library dumps for the same values. Written from the library's
/// documented layout; the leaf `index` field is the builder's position, as in podium's distribution files.
library MerkleTreeBuilder {
    /// @dev A built tree: `nodes` in OZ's flat layout, and where each input leaf ended up in it.
    struct Tree {
        bytes32[] nodes;
        uint256[] position;
    }

    /// @dev podium's leaf: OZ standard leaf over `(uint256 round, uint256 index, address account, uint256 amount)`.
    function leaf(uint256 round, uint256 index, address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(round, index, account, amount))));
    }

    /// @dev OZ's `Hashes.commutativeKeccak256`: the pair sorted, then hashed.
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    /// @dev Builds the tree over `leaves` (already hashed). Needs at least one leaf.
    function build(bytes32[] memory leaves) internal pure returns (Tree memory tree) {
        uint256 n = leaves.length;
        require(n > 0, "MerkleTreeBuilder: no leaves");
        // Sort leaf positions by hash (insertion sort: test trees are small).
        uint256[] memory order = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            order[i] = i;
        }
        for (uint256 i = 1; i < n; ++i) {
            uint256 moving = order[i];
            uint256 j = i;
            while (j > 0 && leaves[order[j - 1]] > leaves[moving]) {
                order[j] = order[j - 1];
                --j;
            }
            order[j] = moving;
        }
        tree.nodes = new bytes32[](2 * n - 1);
        tree.position = new uint256[](n);
        for (uint256 k = 0; k < n; ++k) {
            uint256 at = tree.nodes.length - 1 - k;
            tree.nodes[at] = leaves[order[k]];
            tree.position[order[k]] = at;
        }
        for (uint256 i = tree.nodes.length - n; i > 0; --i) {
            uint256 at = i - 1;
            tree.nodes[at] = hashPair(tree.nodes[2 * at + 1], tree.nodes[2 * at + 2]);
        }
    }

    /// @dev The root of a built tree.
    function root(Tree memory tree) internal pure returns (bytes32) {
        return tree.nodes[0];
    }

    /// @dev The proof of input leaf `i` (siblings from the leaf up to the root).
    function proof(Tree memory tree, uint256 i) internal pure returns (bytes32[] memory siblings) {
        uint256 at = tree.position[i];
        uint256 depth = 0;
        for (uint256 k = at; k > 0; k = (k - 1) / 2) {
            ++depth;
        }
        siblings = new bytes32[](depth);
        for (uint256 d = 0; d < depth; ++d) {
            siblings[d] = tree.nodes[at % 2 == 1 ? at + 1 : at - 1];
            at = (at - 1) / 2;
        }
    }
}
