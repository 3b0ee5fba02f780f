// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Vm} from "./Vm.sol";

/// @notice A small stand-in for forge-std's `Test`: the cheatcode handle, assertions, `makeAddr`, `bound`
/// and the invariant-target hooks forge reads from a test contract.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev forge calls these (if present) to pick invariant targets; the arrays fill via the helpers below.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetContracts;
    address[] private _targetSenders;
    FuzzSelector[] private _targetSelectors;

    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetSelectors.push(selector);
    }

    // ---- accounts ----

    /// @dev A deterministic address with a label, so traces read `alice` instead of hex.
    function makeAddr(string memory name) internal returns (address account) {
        account = vm.addr(uint256(keccak256(bytes(name))));
        vm.label(account, name);
    }

    /// @dev A deterministic address and its private key, for tests that sign.
    function makeAddrAndKey(string memory name) internal returns (address account, uint256 privateKey) {
        privateKey = uint256(keccak256(bytes(name)));
        account = vm.addr(privateKey);
        vm.label(account, name);
    }

    // ---- fuzz helpers ----

    /// @dev Maps any `x` into `[min, max]` without discarding runs. Values already inside stay put, so
    /// fuzz-found edge values (0, max) survive; the rest wrap around the range.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    // ---- assertions (thin wrappers so tests read like forge-std's) ----

    function assertTrue(bool c) internal pure {
        vm.assertTrue(c, "expected true");
    }

    function assertTrue(bool c, string memory err) internal pure {
        vm.assertTrue(c, err);
    }

    function assertFalse(bool c) internal pure {
        vm.assertFalse(c, "expected false");
    }

    function assertFalse(bool c, string memory err) internal pure {
        vm.assertFalse(c, err);
    }

    function assertEq(bool a, bool b) internal pure {
        vm.assertEq(a, b, "bool not equal");
    }

    function assertEq(uint256 a, uint256 b) internal pure {
        vm.assertEq(a, b, "uint not equal");
    }

    function assertEq(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(int256 a, int256 b) internal pure {
        vm.assertEq(a, b, "int not equal");
    }

    function assertEq(address a, address b) internal pure {
        vm.assertEq(a, b, "address not equal");
    }

    function assertEq(address a, address b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(bytes32 a, bytes32 b) internal pure {
        vm.assertEq(a, b, "bytes32 not equal");
    }

    function assertEq(bytes32 a, bytes32 b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(string memory a, string memory b) internal pure {
        vm.assertEq(a, b, "string not equal");
    }

    function assertEq(bytes memory a, bytes memory b) internal pure {
        vm.assertEq(a, b, "bytes not equal");
    }

    function assertNotEq(bytes32 a, bytes32 b) internal pure {
        vm.assertNotEq(a, b, "bytes32 equal");
    }

    function assertLe(uint256 a, uint256 b) internal pure {
        vm.assertLe(a, b, "expected a <= b");
    }

    function assertLe(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertLe(a, b, err);
    }

    function assertGe(uint256 a, uint256 b) internal pure {
        vm.assertGe(a, b, "expected a >= b");
    }

    function assertGe(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertGe(a, b, err);
    }

    function assertLt(uint256 a, uint256 b) internal pure {
        vm.assertLt(a, b, "expected a < b");
    }

    function assertGt(uint256 a, uint256 b) internal pure {
        vm.assertGt(a, b, "expected a > b");
    }

    function assertGt(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertGt(a, b, err);
    }
}
