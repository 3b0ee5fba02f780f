// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleTreeBuilder} from "./helpers/MerkleTreeBuilder.sol";
import {Test} from "./utils/Test.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @notice The test-side tree builder must agree with the real @openzeppelin/merkle-tree package, or every
/// fuzz and invariant test built on it would be testing a different tree than production uses.
contract MerkleTreeBuilderTest is Test {
    using MerkleTreeBuilder for MerkleTreeBuilder.Tree;

    function test_Builder_MatchesOpenZeppelinPackage() public view {
        string memory json = vm.readFile(string.concat(vm.projectRoot(), "/test/fixtures/oz-standard-tree.json"));
        uint256 round = vm.parseJsonUint(json, ".round");
        bytes32[] memory leaves = new bytes32[](5);
        for (uint256 i = 0; i < 5; ++i) {
            string memory at = string.concat("[", vm.toString(i), "]");
            address account = vm.parseJsonAddress(json, string.concat(".accounts", at));
            uint256 amount = vm.parseJsonUint(json, string.concat(".amounts", at));
            leaves[i] = MerkleTreeBuilder.leaf(round, i, account, amount);
        }
        MerkleTreeBuilder.Tree memory tree = MerkleTreeBuilder.build(leaves);
        assertEq(tree.root(), vm.parseJsonBytes32(json, ".root"), "root differs from the OZ package");
        for (uint256 i = 0; i < 5; ++i) {
            bytes32[] memory expected = vm.parseJsonBytes32Array(json, string.concat(".proofs[", vm.toString(i), "]"));
            bytes32[] memory got = tree.proof(i);
            assertEq(got.length, expected.length, "proof length differs from the OZ package");
            for (uint256 k = 0; k < got.length; ++k) {
                assertEq(got[k], expected[k], "proof node differs from the OZ package");
            }
        }
    }

    function test_Builder_SingleLeafIsRoot() public pure {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = keccak256("only");
        MerkleTreeBuilder.Tree memory tree = MerkleTreeBuilder.build(leaves);
        assertEq(tree.root(), leaves[0]);
        assertEq(tree.proof(0).length, 0);
    }

    function testFuzz_Builder_EveryProofVerifies(uint256 n, uint256 seed) public pure {
        n = bound(n, 1, 80);
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            leaves[i] = keccak256(abi.encode(seed, i));
        }
        MerkleTreeBuilder.Tree memory tree = MerkleTreeBuilder.build(leaves);
        for (uint256 i = 0; i < n; ++i) {
            assertTrue(MerkleProof.verify(tree.proof(i), tree.root(), leaves[i]), "proof does not verify");
        }
    }
}
