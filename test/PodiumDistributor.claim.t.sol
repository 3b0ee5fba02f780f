// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../contracts/interfaces/IPodiumDistributor.sol";
import {DistributorFixture} from "./helpers/DistributorFixture.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice claim, claimMany, claimTo, sweep and the views.
contract PodiumDistributorClaimTest is DistributorFixture {
    function setUp() public override {
        super.setUp();
        _fund(3 * BUDGET);
    }

    // ------------------------------------------------------------------------------------------------
    // claim
    // ------------------------------------------------------------------------------------------------

    function test_Claim_PaysAccount() public {
        _postValid(1);
        uint256 amount = trees[1].amounts[1];
        bytes32[] memory proof = _proof(1, 1);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.Claimed(1, bob, bob, amount);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(distributor), bob, amount);
        vm.prank(stranger); // anyone may submit; the account is paid
        distributor.claim(1, 1, bob, amount, proof);
        assertEq(token.balanceOf(bob), amount);
        assertEq(token.balanceOf(stranger), 0);
        assertTrue(distributor.isClaimed(1, 1));
        assertFalse(distributor.isClaimed(1, 0));
        assertFalse(distributor.isClaimed(2, 1));
        assertEq(distributor.claimedWord(1, 0), 2);
    }

    function test_Claim_EveryLeafOnce() public {
        (, uint256 total) = _postValid(2);
        for (uint256 i = 0; i < 3; ++i) {
            _claim(2, i);
        }
        assertEq(distributor.claimedWord(2, 0), 7);
        assertEq(token.balanceOf(alice) + token.balanceOf(bob) + token.balanceOf(carol), total);
        assertEq(token.balanceOf(address(distributor)), 3 * BUDGET - total);
    }

    function test_Claim_HighIndexUsesLaterWord() public {
        address[] memory accounts = new address[](300);
        uint256[] memory amounts = new uint256[](300);
        for (uint256 i = 0; i < 300; ++i) {
            accounts[i] = vm.addr(0x1000 + i);
            amounts[i] = 1e18;
        }
        bytes32 root = _tree(1, accounts, amounts);
        vm.warp(_endOf(1));
        vm.prank(committee);
        distributor.postRoot(1, root, 300e18, "");
        vm.warp(block.timestamp + ROOT_DELAY);
        _claim(1, 299);
        assertTrue(distributor.isClaimed(1, 299));
        assertEq(distributor.claimedWord(1, 0), 0);
        assertEq(distributor.claimedWord(1, 1), 2 ** (299 - 256));
    }

    function test_Claim_LastSecondBeforeDeadline() public {
        _postValid(1);
        vm.warp(_claimDeadline() - 1);
        _claim(1, 0);
        assertEq(token.balanceOf(alice), trees[1].amounts[0]);
    }

    function test_RevertWhen_ClaimNothingPosted() public {
        _abc(1);
        vm.warp(_endOf(1));
        bytes32[] memory proof = _proof(1, 0);
        uint256 amount = trees[1].amounts[0];
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotValid.selector, 1, 0));
        distributor.claim(1, 0, alice, amount, proof);
    }

    function test_RevertWhen_ClaimRootPending() public {
        (bytes32 root, uint256 total) = _abc(1);
        vm.warp(_endOf(1));
        vm.prank(committee);
        distributor.postRoot(1, root, total, "");
        uint256 validAt = block.timestamp + ROOT_DELAY;
        vm.warp(validAt - 1);
        bytes32[] memory proof = _proof(1, 0);
        uint256 amount = trees[1].amounts[0];
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotValid.selector, 1, validAt));
        distributor.claim(1, 0, alice, amount, proof);
        vm.warp(validAt);
        distributor.claim(1, 0, alice, amount, proof);
    }

    function test_RevertWhen_ClaimAfterDeadline() public {
        _postValid(1);
        vm.warp(_claimDeadline());
        bytes32[] memory proof = _proof(1, 0);
        uint256 amount = trees[1].amounts[0];
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ClaimDeadlinePassed.selector, _claimDeadline()));
        distributor.claim(1, 0, alice, amount, proof);
    }

    function test_RevertWhen_ClaimProofInvalid() public {
        _postValid(1);
        bytes32[] memory proof = _proof(1, 0);
        uint256 amount = trees[1].amounts[0];
        // wrong amount
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, 0, alice, amount + 1));
        distributor.claim(1, 0, alice, amount + 1, proof);
        // wrong account
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, 0, bob, amount));
        distributor.claim(1, 0, bob, amount, proof);
        // wrong index
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, 1, alice, amount));
        distributor.claim(1, 1, alice, amount, proof);
        // truncated proof
        bytes32[] memory shortProof = new bytes32[](proof.length - 1);
        for (uint256 i = 0; i < shortProof.length; ++i) {
            shortProof[i] = proof[i];
        }
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, 0, alice, amount));
        distributor.claim(1, 0, alice, amount, shortProof);
        assertFalse(distributor.isClaimed(1, 0));
    }

    function test_RevertWhen_ClaimTwice() public {
        _postValid(1);
        _claim(1, 2);
        bytes32[] memory proof = _proof(1, 2);
        uint256 amount = trees[1].amounts[2];
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.AlreadyClaimed.selector, 1, 2));
        distributor.claim(1, 2, carol, amount, proof);
        assertEq(token.balanceOf(carol), amount);
    }

    function test_RevertWhen_ClaimRoundOutOfRange() public {
        bytes32[] memory proof = new bytes32[](0);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotValid.selector, 0, 0));
        distributor.claim(0, 0, alice, 1, proof);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotValid.selector, 4, 0));
        distributor.claim(4, 0, alice, 1, proof);
    }

    function test_RevertWhen_ClaimFromEmptyRound() public {
        vm.warp(_endOf(1));
        vm.prank(committee);
        distributor.postRoot(1, bytes32(0), 0, "");
        vm.warp(block.timestamp + ROOT_DELAY);
        bytes32[] memory proof = new bytes32[](0);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, 0, alice, 0));
        distributor.claim(1, 0, alice, 0, proof);
    }

    // ------------------------------------------------------------------------------------------------
    // claimMany
    // ------------------------------------------------------------------------------------------------

    function _allRoundsValid() internal {
        _postValid(1);
        _postValid(2);
        _postValid(3);
    }

    function _aliceClaims() internal view returns (IPodiumDistributor.Claim[] memory claims, uint256 sum) {
        claims = new IPodiumDistributor.Claim[](3);
        for (uint256 r = 1; r <= 3; ++r) {
            claims[r - 1] = _claimOf(r, 0);
            sum += claims[r - 1].amount;
        }
    }

    function test_ClaimMany_ThreeRoundsOneTransfer() public {
        _allRoundsValid();
        (IPodiumDistributor.Claim[] memory claims, uint256 sum) = _aliceClaims();
        for (uint256 r = 1; r <= 3; ++r) {
            vm.expectEmit(address(distributor));
            emit IPodiumDistributor.Claimed(r, alice, alice, claims[r - 1].amount);
        }
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(distributor), alice, sum);
        vm.recordLogs();
        vm.prank(stranger);
        distributor.claimMany(alice, claims);
        assertEq(vm.getRecordedLogs().length, 4, "three Claimed events and exactly one Transfer");
        assertEq(token.balanceOf(alice), sum);
        for (uint256 r = 1; r <= 3; ++r) {
            assertTrue(distributor.isClaimed(r, 0));
        }
    }

    function test_RevertWhen_ClaimManyEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.EmptyClaims.selector));
        distributor.claimMany(alice, new IPodiumDistributor.Claim[](0));
    }

    function test_RevertWhen_ClaimManyOneLeafBad() public {
        _allRoundsValid();
        (IPodiumDistributor.Claim[] memory claims,) = _aliceClaims();
        claims[2].amount += 1;
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 3, 0, alice, claims[2].amount));
        distributor.claimMany(alice, claims);
        assertFalse(distributor.isClaimed(1, 0), "the whole batch reverted");
    }

    function test_RevertWhen_ClaimManyAfterDeadline() public {
        _allRoundsValid();
        (IPodiumDistributor.Claim[] memory claims,) = _aliceClaims();
        vm.warp(_claimDeadline());
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ClaimDeadlinePassed.selector, _claimDeadline()));
        distributor.claimMany(alice, claims);
        vm.warp(_claimDeadline() + 1 days);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ClaimDeadlinePassed.selector, _claimDeadline()));
        distributor.claimMany(alice, claims);
    }

    // ------------------------------------------------------------------------------------------------
    // claimTo
    // ------------------------------------------------------------------------------------------------

    function test_ClaimTo_PaysRecipient() public {
        _allRoundsValid();
        (IPodiumDistributor.Claim[] memory claims, uint256 sum) = _aliceClaims();
        address cold = makeAddr("cold");
        for (uint256 r = 1; r <= 3; ++r) {
            vm.expectEmit(address(distributor));
            emit IPodiumDistributor.Claimed(r, alice, cold, claims[r - 1].amount);
        }
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(distributor), cold, sum);
        vm.prank(alice);
        distributor.claimTo(cold, claims);
        assertEq(token.balanceOf(cold), sum);
        assertEq(token.balanceOf(alice), 0);
    }

    function test_RevertWhen_ClaimToByAnotherAccount() public {
        _allRoundsValid();
        (IPodiumDistributor.Claim[] memory claims,) = _aliceClaims();
        vm.expectRevert(
            abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, 0, stranger, claims[0].amount)
        );
        vm.prank(stranger);
        distributor.claimTo(stranger, claims);
    }

    function test_RevertWhen_ClaimToZeroRecipient() public {
        _allRoundsValid();
        (IPodiumDistributor.Claim[] memory claims,) = _aliceClaims();
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ZeroAddressRecipient.selector));
        vm.prank(alice);
        distributor.claimTo(address(0), claims);
    }

    function test_RevertWhen_ClaimToEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.EmptyClaims.selector));
        vm.prank(alice);
        distributor.claimTo(alice, new IPodiumDistributor.Claim[](0));
    }

    // ------------------------------------------------------------------------------------------------
    // sweep
    // ------------------------------------------------------------------------------------------------

    function test_RevertWhen_SweepBeforeProgramEnd() public {
        _postValid(1);
        _postValid(2);
        vm.warp(_programEnd() - 1);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ProgramNotEnded.selector, _programEnd()));
        distributor.sweep();
        assertEq(distributor.sweepable(), 0);
    }

    function test_RevertWhen_SweepRoundNotFinal() public {
        vm.warp(_programEnd());
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundNotFinal.selector, 1));
        distributor.sweep();
        _postValid(1);
        (bytes32 root, uint256 total) = _abc(2);
        vm.prank(committee);
        distributor.postRoot(2, root, total, "");
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundNotFinal.selector, 2));
        distributor.sweep();
        assertEq(distributor.sweepable(), 0);
    }

    /// Every round counts until the posting deadline, the last one too.
    function test_RevertWhen_SweepLastRoundNotFinal() public {
        _postValid(1);
        _postValid(2);
        vm.warp(_programEnd() + ROOT_DELAY);
        assertEq(distributor.sweepable(), 0);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundNotFinal.selector, 3));
        distributor.sweep();
    }

    /// With no root delay the last root is valid the moment the program ends, and so is the sweep: sweepable()
    /// says so at that very second.
    function test_Sweep_AtProgramEndWhenEveryRootIsValid() public {
        PodiumDistributor d =
            new PodiumDistributor(token, funder, committee, start, DURATION, ROUNDS, BUDGET, 0, CLAIM_WINDOW);
        token.mint(funder, 3 * BUDGET);
        vm.startPrank(funder);
        token.approve(address(d), 3 * BUDGET);
        d.fund(3 * BUDGET);
        vm.stopPrank();
        uint256 allocated;
        for (uint256 r = 1; r <= ROUNDS; ++r) {
            (bytes32 root, uint256 total) = _abc(r);
            vm.warp(_endOf(r));
            vm.prank(committee);
            d.postRoot(r, root, total, "");
            allocated += total;
        }
        assertEq(block.timestamp, _programEnd());
        assertEq(d.sweepable(), 3 * BUDGET - allocated);
        d.sweep();
        assertEq(token.balanceOf(funder), 3 * BUDGET - allocated);
    }

    function test_Sweep_UnallocatedOnceAllRootsValid() public {
        (, uint256 t1) = _postValid(1);
        (, uint256 t2) = _postValid(2);
        (, uint256 t3) = _postValid(3);
        _claim(1, 0);
        token.mint(address(distributor), 7); // stray tokens stay until the deadline
        uint256 expected = 3 * BUDGET - t1 - t2 - t3;
        assertEq(distributor.sweepable(), expected);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.Swept(funder, expected, false);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(distributor), funder, expected);
        vm.prank(stranger); // anyone may call; only the funder is paid
        distributor.sweep();
        assertEq(token.balanceOf(funder), expected);
        assertEq(distributor.unallocatedSwept(), expected);
        assertEq(distributor.unallocated(), 0);
        assertEq(distributor.sweepable(), 0);
        // What is left is exactly what claimants are still owed, plus the stray tokens.
        assertEq(token.balanceOf(address(distributor)), t1 + t2 + t3 - trees[1].amounts[0] + 7);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NothingToSweep.selector));
        distributor.sweep();
        // Claims still work.
        _claim(3, 2);
    }

    function test_RevertWhen_SweepNothingUnallocated() public {
        // Allocate everything: three full-budget single-leaf rounds.
        for (uint256 r = 1; r <= 3; ++r) {
            address[] memory accounts = new address[](1);
            accounts[0] = alice;
            uint256[] memory amounts = new uint256[](1);
            amounts[0] = BUDGET;
            bytes32 root = _tree(r, accounts, amounts);
            vm.warp(_endOf(r));
            vm.prank(committee);
            distributor.postRoot(r, root, BUDGET, "");
        }
        vm.warp(block.timestamp + ROOT_DELAY);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NothingToSweep.selector));
        distributor.sweep();
    }

    function test_Sweep_AfterPostingClosedWithoutEveryRoot() public {
        (, uint256 t1) = _postValid(1);
        vm.warp(_postingDeadline());
        assertEq(uint256(distributor.roundState(2).status), uint256(IPodiumDistributor.RoundStatus.Closed));
        assertEq(distributor.sweepable(), 3 * BUDGET - t1, "at the deadline's very second");
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.Swept(funder, 3 * BUDGET - t1, false);
        distributor.sweep();
        assertEq(token.balanceOf(address(distributor)), t1);
        vm.warp(_postingDeadline() + 1 days);
        assertEq(uint256(distributor.roundState(3).status), uint256(IPodiumDistributor.RoundStatus.Closed));
    }

    /// The books count every sweep: unallocated funding swept before the deadline, then more funding swept
    /// with everything else after it, adds up (the same amount twice, so no bitwise mix-up can pass).
    function test_Sweep_AfterDeadlineAddsToWhatWasSweptBefore() public {
        (, uint256 t1) = _postValid(1);
        (, uint256 t2) = _postValid(2);
        (, uint256 t3) = _postValid(3);
        uint256 first = 3 * BUDGET - t1 - t2 - t3;
        distributor.sweep();
        assertEq(distributor.unallocatedSwept(), first);
        _fund(first);
        vm.warp(_claimDeadline());
        distributor.sweep();
        assertEq(distributor.unallocatedSwept(), 2 * first);
        assertEq(distributor.unallocated(), 0);
        assertEq(distributor.totalFunded(), 3 * BUDGET + first);
    }

    function test_Sweep_EverythingAfterDeadline() public {
        _postValid(1);
        _postValid(2);
        _postValid(3);
        _claim(2, 1);
        token.mint(address(distributor), 5);
        vm.warp(_claimDeadline());
        uint256 balance = token.balanceOf(address(distributor));
        assertEq(distributor.sweepable(), balance);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.Swept(funder, balance, true);
        distributor.sweep();
        assertEq(token.balanceOf(funder), balance);
        assertEq(token.balanceOf(address(distributor)), 0);
        assertEq(distributor.unallocated(), 0, "the final sweep also settles the unallocated part");
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NothingToSweep.selector));
        distributor.sweep();
        // Tokens sent by mistake later are swept too.
        token.mint(address(distributor), 9);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.Swept(funder, 9, true);
        distributor.sweep();
        assertEq(token.balanceOf(funder), balance + 9);
    }

    // ------------------------------------------------------------------------------------------------
    // views
    // ------------------------------------------------------------------------------------------------

    function _status(uint256 round) internal view returns (IPodiumDistributor.RoundStatus) {
        return distributor.roundState(round).status;
    }

    function test_RoundState_StatusOverTime() public {
        assertEq(uint256(_status(1)), uint256(IPodiumDistributor.RoundStatus.Open));
        IPodiumDistributor.RoundState memory s = distributor.roundState(2);
        assertEq(s.startsAt, start + DURATION);
        assertEq(s.endsAt, start + 2 * DURATION);
        vm.warp(_endOf(1));
        assertEq(uint256(_status(1)), uint256(IPodiumDistributor.RoundStatus.Ended));
        assertEq(uint256(_status(2)), uint256(IPodiumDistributor.RoundStatus.Open));
        (bytes32 root, uint256 total) = _abc(1);
        vm.prank(committee);
        distributor.postRoot(1, root, total, "");
        assertEq(uint256(_status(1)), uint256(IPodiumDistributor.RoundStatus.Pending));
        vm.warp(block.timestamp + ROOT_DELAY);
        assertEq(uint256(_status(1)), uint256(IPodiumDistributor.RoundStatus.Valid));
        vm.warp(_postingDeadline());
        assertEq(uint256(_status(1)), uint256(IPodiumDistributor.RoundStatus.Valid));
        assertEq(uint256(_status(2)), uint256(IPodiumDistributor.RoundStatus.Closed));
    }

    function test_RoundWindow() public view {
        (uint256 s, uint256 e) = distributor.roundWindow(1);
        assertEq(s, start);
        assertEq(e, start + DURATION);
        (s, e) = distributor.roundWindow(3);
        assertEq(s, start + 2 * DURATION);
        assertEq(e, start + 3 * DURATION);
    }

    function test_RevertWhen_ViewRoundOutOfRange() public {
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundOutOfRange.selector, 0, ROUNDS));
        distributor.roundWindow(0);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundOutOfRange.selector, 4, ROUNDS));
        distributor.roundState(4);
    }

    function test_Outstanding_TracksWhatRoundsStillOwe() public {
        assertEq(distributor.outstanding(), 0);
        (, uint256 t1) = _postValid(1);
        assertEq(distributor.outstanding(), t1);
        assertEq(distributor.unallocated(), 3 * BUDGET - t1);
        _claim(1, 1);
        assertEq(distributor.outstanding(), t1 - trees[1].amounts[1]);
        token.mint(address(distributor), 3);
        assertEq(distributor.outstanding(), t1 - trees[1].amounts[1], "stray tokens are owed to nobody");
    }
}
