// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A token whose holders can lose balance without a transfer (as a rebasing or slashable token
/// would), to reach the distributor's "sweep would fail" branches.
contract ShrinkingToken is ERC20 {
    constructor() ERC20("Shrinking Token", "SHR") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function shrink(address holder, uint256 amount) external {
        _burn(holder, amount);
    }
}
