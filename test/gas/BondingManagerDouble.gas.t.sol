// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BondingManagerDouble} from "../../contracts/test/BondingManagerDouble.sol";
import {TestToken} from "../../contracts/test/TestToken.sol";
import {Test} from "../utils/Test.sol";

/// @notice What `podium-claim --stake` saves by sending pool position hints (`bondWithHint`) instead of
/// `bond`, with a full pool of 100 orchestrators (Arbitrum One's numActiveTranscoders). Each case is an
/// orchestrator bonding a claim of 1,500 tokens to itself, which moves it up one place; without hints the
/// pool is walked from its head to find the new place, as Livepeer's SortedDoublyLL does.
/// The figures are the double's (its pool is the same linked list, one node read per step), so they show
/// the shape and size of the saving, not the real BondingManager's absolute cost.
contract BondingManagerDoubleGasTest is Test {
    uint256 internal constant POOL = 100;
    uint256 internal constant STEP = 1000e18;
    uint256 internal constant CLAIM = 1500e18;

    TestToken internal token;
    BondingManagerDouble internal bm;
    address[POOL] internal os;

    /// @dev os[0] has the most stake (100 * STEP), os[99] the least (1 * STEP); each is inserted at the
    /// tail with a valid hint. Every orchestrator holds CLAIM more tokens, approved.
    function setUp() public {
        token = new TestToken();
        bm = new BondingManagerDouble(token);
        address tail;
        for (uint256 i = 0; i < POOL; ++i) {
            address o = address(uint160(0x10000 + i));
            os[i] = o;
            uint256 stake = (POOL - i) * STEP;
            token.mint(o, stake + CLAIM);
            vm.startPrank(o);
            token.approve(address(bm), stake + CLAIM);
            bm.bondWithHint(stake, o, address(0), address(0), tail, address(0));
            vm.stopPrank();
            tail = o;
        }
        assertEq(bm.getTranscoderPoolSize(), POOL);
    }

    /// @dev The orchestrator at `place` (0-based) bonds CLAIM to itself, with or without the hints that
    /// go-livepeer and podium-claim compute off-chain; it lands between os[place - 2] and os[place - 1].
    function _bondUpOnePlace(uint256 place, bool hinted) internal {
        address o = os[place];
        address prev = place >= 2 ? os[place - 2] : address(0);
        address next = os[place - 1];
        vm.prank(o);
        if (hinted) bm.bondWithHint(CLAIM, o, address(0), address(0), prev, next);
        else bm.bond(CLAIM, o);
        assertEq(bm.getNextTranscoderInPool(o), next);
    }

    function test_Gas_Bond_Unhinted_MiddleOfPool() public {
        _bondUpOnePlace(50, false);
    }

    function test_Gas_Bond_Hinted_MiddleOfPool() public {
        _bondUpOnePlace(50, true);
    }

    function test_Gas_Bond_Unhinted_BottomOfPool() public {
        _bondUpOnePlace(POOL - 1, false);
    }

    function test_Gas_Bond_Hinted_BottomOfPool() public {
        _bondUpOnePlace(POOL - 1, true);
    }

    function test_Gas_Bond_Unhinted_TopOfPool() public {
        _bondUpOnePlace(1, false);
    }

    function test_Gas_Bond_Hinted_TopOfPool() public {
        _bondUpOnePlace(1, true);
    }
}
