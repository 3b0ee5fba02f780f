// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPodiumDistributor} from "../../contracts/interfaces/IPodiumDistributor.sol";
import {DistributorFixture} from "../helpers/DistributorFixture.sol";

/// @notice The gas baseline (`forge snapshot --match-path 'test/gas/*'`, committed as .gas-snapshot and
/// checked by tools/test.sh): one test per user-facing transaction over 128-leaf trees whose payees already
/// hold tokens. setUp prepares each call's calldata and parks it as the code of an address (reading it
/// back costs ~3k, against ~30k for storage), so each figure is one call plus a small constant.
/// Whole-transaction figures (with the 21,000 base and calldata) come from tools/gas-bench.sh on anvil.
abstract contract GasFixture is DistributorFixture {
    uint256 internal constant LEAVES = 128;
    uint256 private _parked;

    /// @dev Three 128-leaf rounds, funded, all rounds ended; alice is leaf 0 of each.
    function _setUpRounds() internal {
        _fund(3 * BUDGET);
        address[] memory accounts = new address[](LEAVES);
        uint256[] memory amounts = new uint256[](LEAVES);
        for (uint256 i = 0; i < LEAVES; ++i) {
            accounts[i] = i == 0 ? alice : vm.addr(0xBEEF + i);
            amounts[i] = (i + 1) * 1e17;
            token.mint(accounts[i], 1e18);
        }
        vm.warp(_programEnd());
        for (uint256 round = 1; round <= ROUNDS; ++round) {
            _tree(round, accounts, amounts);
        }
    }

    function _post(uint256 round) internal {
        vm.prank(committee);
        distributor.postRoot(round, _rootOf(round), trees[round].total, "ipfs://bafy");
    }

    function _rootOf(uint256 round) internal view returns (bytes32) {
        return trees[round].tree.nodes[0];
    }

    /// @dev Parks `data` as code at a fresh address and returns the address.
    function _park(bytes memory data) internal returns (address at) {
        at = vm.addr(0xCA11DA7A + ++_parked);
        vm.etch(at, data);
    }

    function _call(address parked) internal {
        (bool ok, bytes memory err) = address(distributor).call(parked.code);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(err, 0x20), mload(err))
            }
        }
    }
}

contract PodiumDistributorClaimGasTest is GasFixture {
    address internal firstOfRound;
    address internal othersClaimed;
    address internal threeRounds;
    address internal claimToThree;

    function setUp() public override {
        super.setUp();
        _setUpRounds();
        for (uint256 round = 1; round <= ROUNDS; ++round) {
            _post(round);
        }
        vm.warp(block.timestamp + ROOT_DELAY);
        // Round 1 stays untouched (first claim of a round); in rounds 2 and 3 leaf 4 is already claimed.
        _claim(2, 4);
        _claim(3, 4);
        firstOfRound = _park(_claimCall(1, 5));
        othersClaimed = _park(_claimCall(2, 5));
        threeRounds = _park(abi.encodeCall(IPodiumDistributor.claimMany, (trees[1].accounts[9], _threeOf(9))));
        token.mint(bob, 1e18); // the cold wallet already holds tokens too
        claimToThree = _park(abi.encodeCall(IPodiumDistributor.claimTo, (bob, _threeOf(0))));
    }

    function _claimCall(uint256 round, uint256 i) internal view returns (bytes memory) {
        return abi.encodeCall(
            IPodiumDistributor.claim, (round, i, trees[round].accounts[i], trees[round].amounts[i], _proof(round, i))
        );
    }

    function _threeOf(uint256 i) internal view returns (IPodiumDistributor.Claim[] memory claims) {
        claims = new IPodiumDistributor.Claim[](3);
        for (uint256 round = 1; round <= 3; ++round) {
            claims[round - 1] = _claimOf(round, i);
        }
    }

    function test_Gas_Claim_FirstOfRound() public {
        _call(firstOfRound);
    }

    function test_Gas_Claim_OthersAlreadyClaimed() public {
        _call(othersClaimed);
    }

    /// Rounds 2 and 3 have earlier claims, round 1 does not: one first-of-round write and two warm ones.
    function test_Gas_ClaimMany_ThreeRounds() public {
        _call(threeRounds);
    }

    function test_Gas_ClaimTo_ThreeRounds() public {
        vm.prank(alice);
        _call(claimToThree);
    }
}

contract PodiumDistributorAdminGasTest is GasFixture {
    address internal postRound3;

    function setUp() public override {
        super.setUp();
        _setUpRounds();
        _post(1);
        _post(2);
        postRound3 = _park(abi.encodeCall(IPodiumDistributor.postRoot, (3, _rootOf(3), trees[3].total, "ipfs://bafy")));
    }

    function test_Gas_PostRoot() public {
        vm.prank(committee);
        _call(postRound3);
    }

    function test_Gas_Sweep_Unallocated() public {
        vm.prank(committee);
        _call(postRound3);
        vm.warp(block.timestamp + ROOT_DELAY);
        // The snapshot counts the whole test, so this figure includes the post above; a change to either
        // shows up. (test_Gas_PostRoot gives the post alone.)
        distributor.sweep();
    }

    function test_Gas_Sweep_AfterDeadline() public {
        vm.warp(_claimDeadline());
        distributor.sweep();
    }

    function test_Gas_Fund() public {
        token.mint(funder, 1e18);
        vm.prank(funder);
        token.approve(address(distributor), 1e18);
        vm.prank(funder);
        distributor.fund(1e18);
    }
}
