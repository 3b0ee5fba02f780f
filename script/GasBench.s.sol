// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../contracts/interfaces/IPodiumDistributor.sol";
import {TestToken} from "../contracts/test/TestToken.sol";
import {MerkleTreeBuilder} from "../test/helpers/MerkleTreeBuilder.sol";
import {Vm} from "../test/utils/Vm.sol";

/// @notice The one function of Uniswap's MerkleDistributor the benchmark calls (its published ABI).
interface IUniswapMerkleDistributor {
    function claim(uint256 index, address account, uint256 amount, bytes32[] calldata merkleProof) external;
}

/// @notice The gas benchmark's transactions, broadcast to a local anvil by tools/gas-bench.sh in five
/// phases (the shell moves anvil's clock between them). Every round has the same 128-leaf tree shape;
/// payees already hold tokens, as orchestrators claiming week after week do. The shell reads each
/// transaction's receipt `gasUsed` from the broadcast file, in the order the transactions are sent here.
/// The reference is Uniswap's MerkleDistributor, deployed in the same run from the creation bytecode of its
/// npm package (uniswap/merkle-distributor 1.0.1, passed in by the shell): one such distributor per round,
/// over the same accounts and amounts, paying the same token.
/// @dev Sends from anvil's unlocked first account (`--unlocked --sender`): no key anywhere. That account
/// is the funder and the committee, and leaf 0 of every round (for claimTo).
contract GasBench {
    using MerkleTreeBuilder for MerkleTreeBuilder.Tree;

    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant LEAVES = 128;
    uint256 internal constant ROUNDS = 3;
    uint256 internal constant DURATION = 60;
    uint256 internal constant ROOT_DELAY = 60;
    uint256 internal constant CLAIM_WINDOW = 600;
    uint256 internal constant BUDGET = 7000e18;

    /// @dev Phase 1: deploy, fund, give the payees a balance; deploy and fund one Uniswap distributor per
    /// round from `uniswapCode` (its creation bytecode). Then the shell moves past the program end.
    function setup(bytes calldata uniswapCode) external {
        address me = msg.sender;
        vm.startBroadcast(me);
        TestToken token = new TestToken();
        PodiumDistributor distributor = new PodiumDistributor(
            token, me, me, block.timestamp + 10, DURATION, ROUNDS, BUDGET, ROOT_DELAY, CLAIM_WINDOW
        );
        token.mint(me, ROUNDS * BUDGET + 1e18);
        token.approve(address(distributor), ROUNDS * BUDGET);
        distributor.fund(ROUNDS * BUDGET); // measured: fund
        for (uint256 i = 1; i <= 16; ++i) {
            token.mint(_account(me, i), 1e18);
        }
        token.mint(_recipient(), 1e18);
        for (uint256 round = 1; round <= ROUNDS; ++round) {
            (MerkleTreeBuilder.Tree memory tree, uint256 total) = _tree(me, round, true);
            bytes memory init = bytes.concat(uniswapCode, abi.encode(token, tree.root()));
            address uniswap;
            assembly ("memory-safe") {
                uniswap := create(0, add(init, 0x20), mload(init))
            }
            require(uniswap != address(0), "GasBench: the Uniswap distributor did not deploy");
            token.mint(uniswap, total);
        }
        vm.stopBroadcast();
    }

    /// @dev Phase 2: post the three rounds' roots. Then the shell moves past the root delay.
    function post(PodiumDistributor distributor) external {
        vm.startBroadcast(msg.sender);
        for (uint256 round = 1; round <= ROUNDS; ++round) {
            (MerkleTreeBuilder.Tree memory tree, uint256 total) = _tree(msg.sender, round, false);
            distributor.postRoot(
                round, tree.root(), total, "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
            );
        }
        vm.stopBroadcast();
    }

    /// @dev Phase 3: claims in every form, then the unallocated sweep (every root is valid by now).
    function claims(PodiumDistributor distributor) external {
        address me = msg.sender;
        MerkleTreeBuilder.Tree[4] memory trees;
        for (uint256 round = 1; round <= ROUNDS; ++round) {
            (trees[round],) = _tree(me, round, false);
        }
        vm.startBroadcast(me);
        _claim(distributor, trees[1], me, 1, 5); // first claim of round 1
        _claim(distributor, trees[1], me, 1, 6); // one round, others already claimed
        _claim(distributor, trees[1], me, 1, 7); // same, second sample
        _claim(distributor, trees[2], me, 2, 5); // first claim of round 2
        _claim(distributor, trees[3], me, 3, 5); // first claim of round 3
        distributor.claimMany(_account(me, 9), _claims(trees, 9)); // 3 rounds, one tx
        distributor.claimMany(_account(me, 10), _claims(trees, 10)); // same, second sample
        distributor.claimTo(_recipient(), _claims(trees, 0)); // 3 rounds to a cold wallet
        distributor.sweep(); // unallocated part
        vm.stopBroadcast();
    }

    /// @dev Phase 4: the same claims on Uniswap's distributors (`uniswap[r - 1]` pays round r): the first in
    /// a bitmap word, two in a word already in use, then leaf 9 of every round as three transactions (what
    /// one claimMany replaces).
    function uniswapClaims(address[] calldata uniswap) external {
        address me = msg.sender;
        MerkleTreeBuilder.Tree[4] memory trees;
        for (uint256 round = 1; round <= ROUNDS; ++round) {
            (trees[round],) = _tree(me, round, true);
        }
        vm.startBroadcast(me);
        _uniswapClaim(uniswap[0], trees[1], me, 1, 5); // first claim in its bitmap word
        _uniswapClaim(uniswap[0], trees[1], me, 1, 6); // word already in use
        _uniswapClaim(uniswap[0], trees[1], me, 1, 7); // same, second sample
        _uniswapClaim(uniswap[1], trees[2], me, 2, 5); // rounds 2 and 3 get their first claim too
        _uniswapClaim(uniswap[2], trees[3], me, 3, 5);
        for (uint256 round = 1; round <= ROUNDS; ++round) {
            _uniswapClaim(uniswap[round - 1], trees[round], me, round, 9); // leaf 9 of every round
        }
        vm.stopBroadcast();
    }

    /// @dev Phase 5: after the claim deadline, the final sweep of everything left.
    function finalSweep(PodiumDistributor distributor) external {
        vm.startBroadcast(msg.sender);
        distributor.sweep();
        vm.stopBroadcast();
    }

    // ---- the trees ----

    function _account(address me, uint256 i) internal pure returns (address) {
        return i == 0 ? me : address(uint160(uint256(keccak256(abi.encode("podium gas bench account", i)))));
    }

    function _recipient() internal pure returns (address) {
        return address(uint160(uint256(keccak256("podium gas bench cold wallet"))));
    }

    function _amount(uint256 round, uint256 i) internal pure returns (uint256) {
        return (i + 1) * 1e17 + round;
    }

    /// @dev Round `round`'s 128-leaf tree: podium's leaves, or (`uniswap`) Uniswap's leaves over the same
    /// accounts and amounts, `keccak256(abi.encodePacked(index, account, amount))`, which it also hashes in
    /// sorted pairs, so the same builder makes both trees.
    function _tree(address me, uint256 round, bool uniswap)
        internal
        pure
        returns (MerkleTreeBuilder.Tree memory tree, uint256 total)
    {
        bytes32[] memory leaves = new bytes32[](LEAVES);
        for (uint256 i = 0; i < LEAVES; ++i) {
            (address account, uint256 amount) = (_account(me, i), _amount(round, i));
            leaves[i] = uniswap
                ? keccak256(abi.encodePacked(i, account, amount))
                : MerkleTreeBuilder.leaf(round, i, account, amount);
            total += amount;
        }
        tree = MerkleTreeBuilder.build(leaves);
    }

    function _claim(
        PodiumDistributor distributor,
        MerkleTreeBuilder.Tree memory tree,
        address me,
        uint256 round,
        uint256 i
    ) internal {
        distributor.claim(round, i, _account(me, i), _amount(round, i), tree.proof(i));
    }

    function _uniswapClaim(address uniswap, MerkleTreeBuilder.Tree memory tree, address me, uint256 round, uint256 i)
        internal
    {
        IUniswapMerkleDistributor(uniswap).claim(i, _account(me, i), _amount(round, i), tree.proof(i));
    }

    function _claims(MerkleTreeBuilder.Tree[4] memory trees, uint256 i)
        internal
        pure
        returns (IPodiumDistributor.Claim[] memory list)
    {
        list = new IPodiumDistributor.Claim[](ROUNDS);
        for (uint256 round = 1; round <= ROUNDS; ++round) {
            list[round - 1] = IPodiumDistributor.Claim(round, i, _amount(round, i), trees[round].proof(i));
        }
    }
}
