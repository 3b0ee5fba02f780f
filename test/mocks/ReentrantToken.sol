// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A hostile ERC20: when armed, its next transfer touching `watched` first calls `target` with
/// `payload` (before balances move, like an ERC777 send hook) and records how that call ended. The
/// outer transfer then goes ahead, so a test can check both what the re-entry did and what the outer call did.
contract ReentrantToken is ERC20 {
    address public watched;
    address public target;
    bytes public payload;
    bool public armed;

    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryReturnData;

    constructor() ERC20("Reentrant Token", "REE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Arms the hook: the next transfer from or to `watched_` calls `target_` with `payload_`.
    function arm(address watched_, address target_, bytes calldata payload_) external {
        watched = watched_;
        target = target_;
        payload = payload_;
        armed = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (armed && (from == watched || to == watched)) {
            armed = false;
            reentered = true;
            (reentrySucceeded, reentryReturnData) = target.call(payload);
        }
        super._update(from, to, value);
    }
}
