// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPodiumDistributor} from "../contracts/interfaces/IPodiumDistributor.sol";
import {DistributorFixture} from "./helpers/DistributorFixture.sol";

/// @notice Rust-to-chain interop: test/fixtures/distribution.json is written by `podium build` (the
/// command is in the README, and a Rust test fails when the committed file is stale). Posting its root
/// and claiming every leaf with the proofs the Rust code wrote must succeed and pay exactly the total.
contract DistributionFixtureTest is DistributorFixture {
    string internal json;

    function setUp() public override {
        super.setUp();
        _fund(BUDGET);
        json = vm.readFile(string.concat(vm.projectRoot(), "/test/fixtures/distribution.json"));
    }

    function _postFixture() internal returns (uint256 round, uint256 total) {
        round = vm.parseJsonUint(json, ".round");
        total = vm.parseJsonUint(json, ".total");
        vm.warp(_endOf(round));
        vm.prank(committee);
        distributor.postRoot(round, vm.parseJsonBytes32(json, ".root"), total, "test/fixtures/distribution.json");
        vm.warp(block.timestamp + ROOT_DELAY);
    }

    /// @dev Reads leaf `i` from the OZ dump's values and its proof from `claims`, checking they agree.
    function _leaf(uint256 i)
        internal
        view
        returns (uint256 index, address account, uint256 amount, bytes32[] memory proof)
    {
        string memory value = string.concat(".tree.values[", vm.toString(i), "].value");
        index = vm.parseJsonUint(json, string.concat(value, "[1]"));
        account = vm.parseJsonAddress(json, string.concat(value, "[2]"));
        amount = vm.parseJsonUint(json, string.concat(value, "[3]"));
        // claims are keyed by the checksummed address, as vm.toString prints it.
        string memory claim = string.concat(".claims.", vm.toString(account));
        assertEq(vm.parseJsonUint(json, string.concat(claim, ".index")), index, "claims index");
        assertEq(vm.parseJsonUint(json, string.concat(claim, ".amount")), amount, "claims amount");
        proof = vm.parseJsonBytes32Array(json, string.concat(claim, ".proof"));
    }

    function test_Claim_EveryLeafOfTheRustDistribution() public {
        (uint256 round, uint256 total) = _postFixture();
        uint256 n = vm.parseJsonKeys(json, ".claims").length;
        assertGt(n, 0);
        uint256 paid;
        for (uint256 i = 0; i < n; ++i) {
            (uint256 index, address account, uint256 amount, bytes32[] memory proof) = _leaf(i);
            assertEq(index, i, "indices follow the dump's value order");
            uint256 before = token.balanceOf(account);
            distributor.claim(round, index, account, amount, proof);
            assertEq(token.balanceOf(account) - before, amount);
            assertTrue(distributor.isClaimed(round, index));
            paid += amount;
        }
        assertEq(paid, total, "leaves sum to the total");
        assertEq(token.balanceOf(address(distributor)), BUDGET - total);
    }

    function test_RevertWhen_RustLeafClaimedTwice() public {
        (uint256 round,) = _postFixture();
        (uint256 index, address account, uint256 amount, bytes32[] memory proof) = _leaf(0);
        distributor.claim(round, index, account, amount, proof);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.AlreadyClaimed.selector, round, index));
        distributor.claim(round, index, account, amount, proof);
    }

    function test_RevertWhen_RustProofUsedForAnotherAmount() public {
        (uint256 round,) = _postFixture();
        (uint256 index, address account, uint256 amount, bytes32[] memory proof) = _leaf(1);
        vm.expectRevert(
            abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, round, index, account, amount + 1)
        );
        distributor.claim(round, index, account, amount + 1, proof);
    }
}
