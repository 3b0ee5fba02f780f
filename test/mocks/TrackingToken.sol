// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A plain ERC20 that counts every token each address sends, so an invariant can prove that
/// nothing leaves the distributor except through the calls the handler made.
contract TrackingToken is ERC20 {
    mapping(address account => uint256 amount) public sentBy;

    constructor() ERC20("Tracking Token", "TRK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0)) sentBy[from] += value;
        super._update(from, to, value);
    }
}
