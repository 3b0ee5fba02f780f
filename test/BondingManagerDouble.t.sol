// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BondingManagerDouble} from "../contracts/test/BondingManagerDouble.sol";
import {TestToken} from "../contracts/test/TestToken.sol";
import {Test} from "./utils/Test.sol";

/// @notice The test double keeps Livepeer's BondingManager semantics for what the claimer and the report use:
/// registration events, the sorted pool with hints, and the guards with their revert strings.
contract BondingManagerDoubleTest is Test {
    TestToken internal token;
    BondingManagerDouble internal bm;

    function setUp() public {
        token = new TestToken();
        bm = new BondingManagerDouble(token);
    }

    function _selfBond(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.startPrank(who);
        token.approve(address(bm), amount);
        bm.bond(amount, who);
        vm.stopPrank();
    }

    function test_Transcoder_EmitsUpdateAndActivatedOnJoin() public {
        address o = makeAddr("o");
        token.mint(o, 10);
        vm.startPrank(o);
        token.approve(address(bm), 10);
        // A first self-bond registers and joins the pool at once (activation next round), as on Livepeer.
        vm.expectEmit(address(bm));
        emit BondingManagerDouble.TranscoderActivated(o, 2);
        bm.bond(10, o);
        // Setting terms while already in the pool: only TranscoderUpdate.
        vm.expectEmit(address(bm));
        emit BondingManagerDouble.TranscoderUpdate(o, 50_000, 300_000);
        bm.transcoder(50_000, 300_000);
        vm.stopPrank();
        assertTrue(bm.isRegisteredTranscoder(o));
        assertEq(bm.getTranscoderPoolSize(), 1);
        assertEq(bm.getFirstTranscoderInPool(), o);
    }

    function test_Transcoder_JoinsWhenPoolHadNoRoom() public {
        bm.setNumActiveTranscoders(1);
        _selfBond(makeAddr("big"), 100);
        address small = makeAddr("small");
        _selfBond(small, 5); // pool full, not more than the last: stays out
        assertEq(bm.getTranscoderPoolSize(), 1);
        bm.setNumActiveTranscoders(2);
        bm.setRound(7);
        bm.initializeRound();
        vm.expectEmit(address(bm));
        emit BondingManagerDouble.TranscoderActivated(small, 8);
        vm.expectEmit(address(bm));
        emit BondingManagerDouble.TranscoderUpdate(small, 1, 2);
        vm.prank(small);
        bm.transcoder(1, 2);
        assertEq(bm.getNextTranscoderInPool(bm.getFirstTranscoderInPool()), small);
    }

    function test_RevertWhen_TranscoderNotRegistered() public {
        vm.expectRevert(bytes("transcoder must be registered"));
        vm.prank(makeAddr("nobody"));
        bm.transcoder(1, 1);
    }

    function test_RevertWhen_TranscoderRoundLockedOrBadPercent() public {
        address o = makeAddr("o");
        _selfBond(o, 10);
        vm.startPrank(o);
        vm.expectRevert(bytes("invalid rewardCut percentage"));
        bm.transcoder(1_000_001, 0);
        vm.expectRevert(bytes("invalid feeShare percentage"));
        bm.transcoder(0, 1_000_001);
        vm.stopPrank();
        bm.setCurrentRoundLocked(true);
        vm.expectRevert(bytes("can't update transcoder params, current round is locked"));
        vm.prank(o);
        bm.transcoder(1, 1);
    }

    function test_RevertWhen_ActiveTranscoderWithoutReward() public {
        address o = makeAddr("o");
        _selfBond(o, 10);
        bm.setRound(2); // activation round reached: active
        bm.initializeRound();
        vm.startPrank(o);
        vm.expectRevert(bytes("caller can't be active or must have already called reward for the current round"));
        bm.transcoder(1, 1);
        bm.reward();
        bm.transcoder(1, 1);
        vm.stopPrank();
    }

    function test_RevertWhen_RoundNotInitialized() public {
        bm.setRound(5);
        vm.expectRevert(bytes("current round is not initialized"));
        bm.bond(0, address(this));
        vm.expectRevert(bytes("current round is not initialized"));
        bm.transcoder(0, 0);
    }

    function test_RevertWhen_RegisteredTranscoderBondsElsewhere() public {
        address o = makeAddr("o");
        _selfBond(o, 10);
        vm.expectRevert(bytes("registered transcoders can't delegate towards other addresses"));
        vm.prank(o);
        bm.bond(0, makeAddr("other"));
    }

    function test_RevertWhen_NothingToDelegate() public {
        vm.expectRevert(bytes("delegation amount must be greater than 0"));
        bm.bond(0, makeAddr("o"));
    }

    function test_Pool_SortedAndHintsUsedOrWalked() public {
        address[5] memory os;
        for (uint256 i = 0; i < 5; ++i) {
            os[i] = address(uint160(0x1000 + i));
            _selfBond(os[i], (i + 1) * 100); // 100..500
        }
        // Sorted descending by stake.
        address cur = bm.getFirstTranscoderInPool();
        uint256 last = type(uint256).max;
        for (uint256 n = 0; n < 5; ++n) {
            uint256 stake = bm.transcoderTotalStake(cur);
            assertLe(stake, last);
            last = stake;
            cur = bm.getNextTranscoderInPool(cur);
        }
        assertEq(cur, address(0));
        // os[0] (100) grows to 350: right hint is (os[3]=400, os[2]=300).
        token.mint(os[0], 250);
        vm.startPrank(os[0]);
        token.approve(address(bm), 500);
        bm.bondWithHint(250, os[0], address(0), address(0), os[3], os[2]);
        vm.stopPrank();
        assertEq(bm.getNextTranscoderInPool(os[3]), os[0]);
        assertEq(bm.getNextTranscoderInPool(os[0]), os[2]);
        // A wrong hint still lands in the right place (walk from what holds).
        token.mint(os[1], 1000);
        vm.startPrank(os[1]);
        token.approve(address(bm), 1000);
        bm.bondWithHint(1000, os[1], address(0), address(0), os[2], os[0]);
        vm.stopPrank();
        assertEq(bm.getFirstTranscoderInPool(), os[1]);
    }

    function test_Pool_FullEvictsSmallest() public {
        bm.setNumActiveTranscoders(2);
        address a = makeAddr("a");
        address b = makeAddr("b");
        address c = makeAddr("c");
        _selfBond(a, 10);
        _selfBond(b, 20);
        token.mint(c, 30);
        vm.startPrank(c);
        token.approve(address(bm), 30);
        vm.expectEmit(address(bm));
        emit BondingManagerDouble.TranscoderDeactivated(a, 2);
        bm.bond(30, c);
        vm.stopPrank();
        assertEq(bm.getTranscoderPoolSize(), 2);
        assertEq(bm.getFirstTranscoderInPool(), c);
        assertEq(bm.getNextTranscoderInPool(c), b);
        assertTrue(bm.isRegisteredTranscoder(a)); // registered, but out of the pool
    }

    function test_Bond_DelegatorMovesStakeBetweenTranscoders() public {
        address a = makeAddr("a");
        address b = makeAddr("b");
        _selfBond(a, 10);
        _selfBond(b, 20);
        address d = makeAddr("d");
        token.mint(d, 15);
        vm.startPrank(d);
        token.approve(address(bm), 15);
        bm.bond(15, a); // a: 25 > b: 20
        assertEq(bm.getFirstTranscoderInPool(), a);
        bm.bond(0, b); // moves its 15: b 35, a 10
        vm.stopPrank();
        assertEq(bm.getFirstTranscoderInPool(), b);
        assertEq(bm.transcoderTotalStake(a), 10);
        assertEq(bm.transcoderTotalStake(b), 35);
        assertEq(bm.nextRoundTotalActiveStake(), 45);
    }
}
