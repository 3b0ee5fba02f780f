// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../../contracts/interfaces/IPodiumDistributor.sol";
import {TestToken} from "../../contracts/test/TestToken.sol";
import {Test} from "../utils/Test.sol";
import {MerkleTreeBuilder} from "./MerkleTreeBuilder.sol";

/// @notice Shared setup: a 3-round weekly program of 7,000 tokens a round (the seed program's shape),
/// fully funded, plus helpers that build a round's tree, post it and claim from it.
abstract contract DistributorFixture is Test {
    using MerkleTreeBuilder for MerkleTreeBuilder.Tree;

    uint256 internal constant DURATION = 7 days;
    uint256 internal constant ROUNDS = 3;
    uint256 internal constant BUDGET = 7000e18;
    uint256 internal constant ROOT_DELAY = 1 days;
    uint256 internal constant CLAIM_WINDOW = 30 days;

    TestToken internal token;
    PodiumDistributor internal distributor;
    address internal funder;
    address internal committee;
    address internal alice;
    address internal bob;
    address internal carol;
    address internal stranger;
    uint256 internal start;

    /// @dev One posted round's tree, kept so tests can fetch proofs.
    struct RoundTree {
        address[] accounts;
        uint256[] amounts;
        MerkleTreeBuilder.Tree tree;
        uint256 total;
    }

    mapping(uint256 round => RoundTree) internal trees;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        funder = makeAddr("funder");
        committee = makeAddr("committee");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        stranger = makeAddr("stranger");
        token = new TestToken();
        start = block.timestamp + 1 days;
        distributor = _deploy(start, ROUNDS, BUDGET);
    }

    function _deploy(uint256 programStart, uint256 rounds, uint256 budget) internal returns (PodiumDistributor) {
        return new PodiumDistributor(
            token, funder, committee, programStart, DURATION, rounds, budget, ROOT_DELAY, CLAIM_WINDOW
        );
    }

    // ---- timeline ----

    function _endOf(uint256 round) internal view returns (uint256) {
        return start + round * DURATION;
    }

    function _programEnd() internal view returns (uint256) {
        return start + ROUNDS * DURATION;
    }

    function _claimDeadline() internal view returns (uint256) {
        return _programEnd() + CLAIM_WINDOW;
    }

    function _postingDeadline() internal view returns (uint256) {
        return _claimDeadline() - ROOT_DELAY;
    }

    // ---- funding ----

    function _fund(uint256 amount) internal {
        token.mint(funder, amount);
        vm.startPrank(funder);
        token.approve(address(distributor), amount);
        distributor.fund(amount);
        vm.stopPrank();
    }

    // ---- trees ----

    /// @dev Builds round `round`'s tree over `accounts` and `amounts` (leaf index = position) and keeps it.
    function _tree(uint256 round, address[] memory accounts, uint256[] memory amounts) internal returns (bytes32) {
        require(accounts.length == amounts.length, "fixture: lengths");
        bytes32[] memory leaves = new bytes32[](accounts.length);
        uint256 total;
        for (uint256 i = 0; i < accounts.length; ++i) {
            leaves[i] = MerkleTreeBuilder.leaf(round, i, accounts[i], amounts[i]);
            total += amounts[i];
        }
        RoundTree storage t = trees[round];
        t.accounts = accounts;
        t.amounts = amounts;
        MerkleTreeBuilder.Tree memory built = MerkleTreeBuilder.build(leaves);
        t.tree.nodes = built.nodes;
        t.tree.position = built.position;
        t.total = total;
        return built.root();
    }

    function _proof(uint256 round, uint256 index) internal view returns (bytes32[] memory) {
        MerkleTreeBuilder.Tree memory built = trees[round].tree;
        return built.proof(index);
    }

    /// @dev The standard three-leaf round: alice 1,000, bob 2,000, carol 3,000.
    function _abc(uint256 round) internal returns (bytes32 root, uint256 total) {
        address[] memory accounts = new address[](3);
        accounts[0] = alice;
        accounts[1] = bob;
        accounts[2] = carol;
        uint256[] memory amounts = new uint256[](3);
        amounts[0] = 1000e18 + round;
        amounts[1] = 2000e18 + round;
        amounts[2] = 3000e18 + round;
        root = _tree(round, accounts, amounts);
        total = trees[round].total;
    }

    /// @dev Warps past `round`'s end, posts the standard tree and warps until it is valid.
    function _postValid(uint256 round) internal returns (bytes32 root, uint256 total) {
        (root, total) = _abc(round);
        if (block.timestamp < _endOf(round)) vm.warp(_endOf(round));
        vm.prank(committee);
        distributor.postRoot(round, root, total, "ipfs://round");
        vm.warp(block.timestamp + ROOT_DELAY);
    }

    function _claimOf(uint256 round, uint256 index) internal view returns (IPodiumDistributor.Claim memory c) {
        c.round = round;
        c.index = index;
        c.amount = trees[round].amounts[index];
        c.proof = _proof(round, index);
    }

    function _claim(uint256 round, uint256 index) internal {
        RoundTree storage t = trees[round];
        distributor.claim(round, index, t.accounts[index], t.amounts[index], _proof(round, index));
    }
}
