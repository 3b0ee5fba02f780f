// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice A plain 18-decimal ERC20 whose `mint` anyone may call. For tests, demos and benchmarks only:
/// it stands in for LPT (also a plain ERC20: no fee, no hooks).
contract TestToken is ERC20 {
    constructor() ERC20("Podium Test Token", "PTT") {}

    /// @notice Mints `amount` to `to`. Anyone may call it.
    /// @param to Receives the new tokens.
    /// @param amount How many (in wei of the token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
