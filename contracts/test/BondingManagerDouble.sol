// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title BondingManagerDouble
/// @notice A test double of Livepeer's BondingManager, just enough for claim-and-stake: `bond(amount, to)`
/// pulls `amount` from the caller with `transferFrom` (so the caller approves this contract first, as with
/// Livepeer) and records the caller's bonded stake and delegate. It emits Livepeer's `Bond` event. No
/// rounds, rewards, unbonding or transcoder pool. For tests and demos only.
contract BondingManagerDouble {
    using SafeERC20 for IERC20;

    /// @notice The bonded token (LPT in production).
    IERC20 public immutable TOKEN;

    /// @notice Each delegator's bonded stake.
    mapping(address delegator => uint256 amount) public bondedAmount;
    /// @notice Each delegator's delegate (zero if never bonded).
    mapping(address delegator => address delegate) public delegateOf;
    /// @notice Stake delegated to each delegate.
    mapping(address delegate => uint256 amount) public delegatedAmount;
    /// @notice The sum of all bonded stake.
    uint256 public totalBonded;

    /// @notice Same signature as Livepeer's BondingManager event.
    event Bond(
        address indexed newDelegate,
        address indexed oldDelegate,
        address indexed delegator,
        uint256 additionalAmount,
        uint256 bondedAmount
    );

    /// @notice `to` was the zero address.
    error ZeroDelegate();

    /// @param token The token `bond` pulls.
    constructor(IERC20 token) {
        TOKEN = token;
    }

    /// @notice Bonds `amount` more of the caller's tokens and (re)delegates all of its stake to `to`.
    /// @param amount Tokens pulled from the caller with transferFrom (may be 0 to only change delegate).
    /// @param to The delegate (an orchestrator bonding to itself passes its own address).
    function bond(uint256 amount, address to) external {
        if (to == address(0)) revert ZeroDelegate();
        address oldDelegate = delegateOf[msg.sender];
        uint256 previous = bondedAmount[msg.sender];
        uint256 bonded = previous + amount;
        if (oldDelegate != address(0)) delegatedAmount[oldDelegate] -= previous;
        delegatedAmount[to] += bonded;
        bondedAmount[msg.sender] = bonded;
        delegateOf[msg.sender] = to;
        totalBonded += amount;
        emit Bond(to, oldDelegate, msg.sender, amount, bonded);
        TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Livepeer's `getDelegator` shape, so clients can read stake the same way on both.
    /// @dev Only `bondedAmount`, `delegateAddress` and `delegatedAmount` carry data; the rest are 0.
    function getDelegator(address delegator)
        external
        view
        returns (
            uint256 bonded,
            uint256 fees,
            address delegateAddress,
            uint256 delegated,
            uint256 startRound,
            uint256 lastClaimRound,
            uint256 nextUnbondingLockId
        )
    {
        return (bondedAmount[delegator], 0, delegateOf[delegator], delegatedAmount[delegator], 0, 0, 0);
    }
}
