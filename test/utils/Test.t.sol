// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "./Test.sol";

/// @notice Checks the test base itself: a broken `bound` or `makeAddr` would silently weaken every fuzz test.
contract TestBaseTest is Test {
    function test_Bound_KeepsValuesInRange() public pure {
        assertEq(bound(5, 1, 10), 5);
        assertEq(bound(0, 1, 10), 1);
        assertEq(bound(11, 1, 10), 2);
        assertEq(bound(type(uint256).max, 0, type(uint256).max), type(uint256).max);
    }

    function testFuzz_Bound_StaysWithin(uint256 x, uint256 min, uint256 max) public pure {
        if (min > max) (min, max) = (max, min);
        uint256 y = bound(x, min, max);
        assertGe(y, min);
        assertLe(y, max);
    }

    function test_MakeAddr_IsDeterministicAndDistinct() public {
        address a = makeAddr("alice");
        assertEq(a, makeAddr("alice"));
        assertTrue(a != makeAddr("bob"), "distinct names give distinct addresses");
        assertEq(a, vm.addr(uint256(keccak256("alice"))));
    }

    function test_RevertWhen_AssertionFails() public {
        vm.expectRevert(bytes("uint not equal: 1 != 2"));
        this.failingAssertion();
    }

    function failingAssertion() external pure {
        assertEq(uint256(1), uint256(2));
    }
}
