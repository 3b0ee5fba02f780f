// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An ERC20 that burns a share of every transfer (1% unless set), to check that fund() credits what
/// actually arrived, and refuses a transfer that delivered nothing (a 100% fee).
contract FeeToken is ERC20 {
    uint256 public feePercent = 1;

    constructor() ERC20("Fee Token", "FEE") {}

    function setFeePercent(uint256 percent) external {
        feePercent = percent;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value * feePercent / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}
