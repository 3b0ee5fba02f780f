// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../contracts/interfaces/IPodiumDistributor.sol";
import {DistributorFixture} from "./helpers/DistributorFixture.sol";
import {MerkleTreeBuilder} from "./helpers/MerkleTreeBuilder.sol";
import {ReentrantToken} from "./mocks/ReentrantToken.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @notice The bugs other distributors shipped, tried against this one.
contract PodiumDistributorAttackTest is DistributorFixture {
    using MerkleTreeBuilder for MerkleTreeBuilder.Tree;

    function setUp() public override {
        super.setUp();
        _fund(3 * BUDGET);
    }

    /// Balancer's MerkleOrchard paid a claim repeated inside one batch many times.
    function test_Attack_RepeatedRoundInBatch() public {
        _postValid(1);
        _postValid(2);
        IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](3);
        claims[0] = _claimOf(1, 0);
        claims[1] = _claimOf(2, 0);
        claims[2] = _claimOf(1, 0);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.AlreadyClaimed.selector, 1, 0));
        distributor.claimMany(alice, claims);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.AlreadyClaimed.selector, 1, 0));
        vm.prank(alice);
        distributor.claimTo(alice, claims);
        assertEq(token.balanceOf(alice), 0);
    }

    /// A 64-byte leaf can be confused with an internal node (second preimage). The standard leaf is a
    /// double hash of 128 bytes, so no internal node is ever a leaf.
    function test_Attack_InternalNodeAsLeaf() public {
        address[] memory accounts = new address[](4);
        uint256[] memory amounts = new uint256[](4);
        for (uint256 i = 0; i < 4; ++i) {
            accounts[i] = vm.addr(0xA11CE + i);
            amounts[i] = 100e18;
        }
        bytes32 root = _tree(1, accounts, amounts);
        vm.warp(_endOf(1));
        vm.prank(committee);
        distributor.postRoot(1, root, 400e18, "");
        vm.warp(block.timestamp + ROOT_DELAY);

        // Node 1 is internal: its children are nodes 3 and 4, and its proof is [node 2].
        MerkleTreeBuilder.Tree memory tree = trees[1].tree;
        bytes32 node = tree.nodes[1];
        (bytes32 lo, bytes32 hi) =
            tree.nodes[3] < tree.nodes[4] ? (tree.nodes[3], tree.nodes[4]) : (tree.nodes[4], tree.nodes[3]);
        bytes32[] memory shortProof = new bytes32[](1);
        shortProof[0] = tree.nodes[2];
        // The danger is real for a scheme that accepts a single-hashed 64-byte leaf:
        assertEq(keccak256(abi.encode(lo, hi)), node);
        assertTrue(MerkleProof.verify(shortProof, root, node), "an internal node proves under the root");
        // But the distributor hashes the claim's fields into a standard leaf, which never equals the node.
        vm.expectRevert(
            abi.encodeWithSelector(
                IPodiumDistributor.InvalidProof.selector, 1, uint256(lo), address(uint160(uint256(hi))), uint256(hi)
            )
        );
        distributor.claim(1, uint256(lo), address(uint160(uint256(hi))), uint256(hi), shortProof);
        address loAccount = address(uint160(uint256(lo)));
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, 0, loAccount, uint256(hi)));
        distributor.claim(1, 0, loAccount, uint256(hi), shortProof);
        assertEq(distributor.claimedWord(1, 0), 0);
    }

    /// The round is inside the leaf: the same account, index and amount in round 2 is a different leaf.
    function test_Attack_ReplayRoundOneProofOnRoundTwo() public {
        address[] memory accounts = new address[](2);
        accounts[0] = alice;
        accounts[1] = bob;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 10e18;
        amounts[1] = 20e18;
        bytes32 root1 = _tree(1, accounts, amounts);
        bytes32 root2 = _tree(2, accounts, amounts);
        assertNotEq(root1, root2);
        vm.warp(_endOf(2));
        vm.startPrank(committee);
        distributor.postRoot(1, root1, 30e18, "");
        distributor.postRoot(2, root2, 30e18, "");
        vm.stopPrank();
        vm.warp(block.timestamp + ROOT_DELAY);

        _claim(1, 0);
        bytes32[] memory proof1 = _proof(1, 0);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 2, 0, alice, 10e18));
        distributor.claim(2, 0, alice, 10e18, proof1);
        _claim(2, 0);
        assertEq(token.balanceOf(alice), 20e18);
    }

    function test_Attack_ClaimAgainstPendingOrRevokedRoot() public {
        (bytes32 root, uint256 total) = _abc(1);
        vm.warp(_endOf(1));
        vm.prank(committee);
        distributor.postRoot(1, root, total, "");
        uint256 validAt = block.timestamp + ROOT_DELAY;
        bytes32[] memory proof = _proof(1, 2);
        uint256 amount = trees[1].amounts[2];

        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotValid.selector, 1, validAt));
        distributor.claim(1, 2, carol, amount, proof);

        vm.prank(funder);
        distributor.revokeRoot(1);
        vm.warp(validAt); // the revoked root's validAt passes: still nothing to claim against
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotValid.selector, 1, 0));
        distributor.claim(1, 2, carol, amount, proof);

        // A corrected root replaces it: the old tree's proofs are dead.
        address[] memory accounts = new address[](1);
        accounts[0] = bob;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = 5e18;
        bytes32 fixedRoot = MerkleTreeBuilder.leaf(1, 0, bob, 5e18);
        assertEq(fixedRoot, _tree(1, accounts, amounts));
        vm.prank(committee);
        distributor.postRoot(1, fixedRoot, 5e18, "");
        vm.warp(block.timestamp + ROOT_DELAY);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, 2, carol, amount));
        distributor.claim(1, 2, carol, amount, proof);
        distributor.claim(1, 0, bob, 5e18, new bytes32[](0));
        assertEq(token.balanceOf(bob), 5e18);
    }

    /// UMA: an underfunded round can spend the next round's money. Solvency is checked per root.
    function test_Attack_RootThatSpendsAnotherRoundsMoney() public {
        // A second program funded for only 1.5 rounds.
        PodiumDistributor d = _deploy(block.timestamp, ROUNDS, BUDGET);
        token.mint(funder, 10_000e18);
        vm.startPrank(funder);
        token.approve(address(d), 10_000e18);
        d.fund(10_000e18);
        vm.stopPrank();
        uint256 programStart = d.PROGRAM_START();

        vm.warp(programStart + 2 * DURATION);
        vm.startPrank(committee);
        d.postRoot(1, keccak256("round 1"), BUDGET, "");
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InsufficientFunding.selector, 2, BUDGET, 3000e18));
        d.postRoot(2, keccak256("round 2"), BUDGET, "");
        d.postRoot(2, keccak256("round 2"), 3000e18, "");
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InsufficientFunding.selector, 3, 1, 0));
        vm.warp(programStart + 3 * DURATION);
        d.postRoot(3, keccak256("round 3"), 1, "");
        vm.stopPrank();
        // Stray tokens do not count as funding either.
        token.mint(address(d), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InsufficientFunding.selector, 3, 1, 0));
        vm.prank(committee);
        d.postRoot(3, keccak256("round 3"), 1, "");
    }

    // ------------------------------------------------------------------------------------------------
    // A token that re-enters during transfers
    // ------------------------------------------------------------------------------------------------

    ReentrantToken internal evil;
    PodiumDistributor internal target;

    function _evilProgram() internal {
        evil = new ReentrantToken();
        target = new PodiumDistributor(
            evil, funder, committee, block.timestamp, DURATION, 1, BUDGET, ROOT_DELAY, CLAIM_WINDOW
        );
        evil.mint(funder, 10_000e18);
        vm.startPrank(funder);
        evil.approve(address(target), 10_000e18);
        target.fund(10_000e18);
        vm.stopPrank();
        (bytes32 root, uint256 total) = _abc(1);
        vm.warp(target.PROGRAM_START() + DURATION);
        vm.prank(committee);
        target.postRoot(1, root, total, "");
        vm.warp(block.timestamp + ROOT_DELAY);
    }

    function _claimCall(uint256 index) internal view returns (bytes memory) {
        return abi.encodeCall(
            IPodiumDistributor.claim, (1, index, trees[1].accounts[index], trees[1].amounts[index], _proof(1, index))
        );
    }

    function test_Attack_ReentrantTokenReentersClaimDuringClaim() public {
        _evilProgram();
        evil.arm(address(target), address(target), _claimCall(0));
        (bool ok,) = address(target).call(_claimCall(0));
        assertTrue(ok, "the outer claim succeeds");
        assertTrue(evil.reentered());
        assertFalse(evil.reentrySucceeded(), "the re-entered claim of the same leaf failed");
        assertEq(evil.reentryReturnData(), abi.encodeWithSelector(IPodiumDistributor.AlreadyClaimed.selector, 1, 0));
        assertEq(evil.balanceOf(alice), trees[1].amounts[0], "paid once");
    }

    function test_Attack_ReentrantTokenReentersSweepDuringClaim() public {
        _evilProgram();
        uint256 total = trees[1].total;
        evil.arm(address(target), address(target), abi.encodeCall(IPodiumDistributor.sweep, ()));
        (bool ok,) = address(target).call(_claimCall(1));
        assertTrue(ok);
        assertTrue(evil.reentrySucceeded(), "sweeping the unallocated part mid-claim is allowed");
        assertEq(evil.balanceOf(funder), 10_000e18 - total, "the funder got only the unallocated part");
        assertEq(evil.balanceOf(bob), trees[1].amounts[1]);
        // What remains is exactly what alice and carol are owed; they can still claim.
        assertEq(evil.balanceOf(address(target)), trees[1].amounts[0] + trees[1].amounts[2]);
        (ok,) = address(target).call(_claimCall(0));
        assertTrue(ok);
        (ok,) = address(target).call(_claimCall(2));
        assertTrue(ok);
        assertEq(evil.balanceOf(address(target)), 0);
    }

    function test_Attack_ReentrantTokenReentersSweepAndClaimDuringSweep() public {
        _evilProgram();
        uint256 total = trees[1].total;
        // sweep inside sweep: the guard stops it.
        evil.arm(address(target), address(target), abi.encodeCall(IPodiumDistributor.sweep, ()));
        target.sweep();
        assertFalse(evil.reentrySucceeded());
        assertEq(
            evil.reentryReturnData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(evil.balanceOf(funder), 10_000e18 - total, "swept once");

        // claim inside the final sweep: claims are closed by then, so the claimant's money is not taken twice.
        vm.warp(_claimDeadlineOf(target));
        evil.arm(address(target), address(target), _claimCall(2));
        target.sweep();
        assertFalse(evil.reentrySucceeded());
        assertEq(
            evil.reentryReturnData(),
            abi.encodeWithSelector(IPodiumDistributor.ClaimDeadlinePassed.selector, _claimDeadlineOf(target))
        );
        assertEq(evil.balanceOf(funder), 10_000e18);
        assertEq(evil.balanceOf(carol), 0);
    }

    function test_Attack_ReentrantTokenReentersFundDuringFund() public {
        evil = new ReentrantToken();
        target = new PodiumDistributor(
            evil, funder, committee, block.timestamp, DURATION, 1, BUDGET, ROOT_DELAY, CLAIM_WINDOW
        );
        evil.mint(funder, 100e18);
        evil.mint(address(this), 100e18);
        evil.approve(address(target), 100e18);
        vm.prank(funder);
        evil.approve(address(target), 100e18);
        // A nested fund() would make the outer balance delta count the inner funding twice.
        evil.arm(address(target), address(target), abi.encodeCall(IPodiumDistributor.fund, (100e18)));
        vm.prank(funder);
        target.fund(100e18);
        assertFalse(evil.reentrySucceeded());
        assertEq(
            evil.reentryReturnData(),
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(target.totalFunded(), 100e18);
        assertEq(evil.balanceOf(address(target)), 100e18);
    }

    function _claimDeadlineOf(PodiumDistributor d) internal view returns (uint256 deadline) {
        (,,,,, deadline,,) = d.timeline();
    }
}
