// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../../contracts/interfaces/IPodiumDistributor.sol";
import {TrackingToken} from "../mocks/TrackingToken.sol";
import {Test} from "../utils/Test.sol";
import {DistributorHandler} from "./handlers/DistributorHandler.sol";

/// @notice The distributor's money invariants, checked after every call of random handler sequences.
/// The handler only makes calls that must succeed (or catches the failures it expects), so any revert is a bug.
/// forge-config: default.invariant.fail-on-revert = true
/// forge-config: ci.invariant.fail-on-revert = true
contract PodiumDistributorInvariantTest is Test {
    PodiumDistributor internal distributor;
    TrackingToken internal token;
    DistributorHandler internal handler;
    address internal funder;

    function setUp() public {
        vm.warp(1_700_000_000);
        funder = makeAddr("funder");
        address committee = makeAddr("committee");
        token = new TrackingToken();
        // Four one-day rounds, a 6-hour root delay and a 5-day claim window: short enough that random
        // sequences of warps reach every phase, including after the claim deadline.
        distributor = new PodiumDistributor(
            token, funder, committee, block.timestamp + 1 hours, 1 days, 4, 7000e18, 6 hours, 5 days
        );
        handler = new DistributorHandler(distributor, token, funder, committee);

        bytes4[] memory selectors = new bytes4[](8);
        selectors[0] = DistributorHandler.fund.selector;
        selectors[1] = DistributorHandler.strayTransfer.selector;
        selectors[2] = DistributorHandler.warp.selector;
        selectors[3] = DistributorHandler.postRoot.selector;
        selectors[4] = DistributorHandler.revokeRoot.selector;
        selectors[5] = DistributorHandler.claim.selector;
        selectors[6] = DistributorHandler.claimBatch.selector;
        selectors[7] = DistributorHandler.sweep.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    function _claimDeadline() internal view returns (uint256 deadline) {
        (,,,,, deadline,,) = distributor.timeline();
    }

    /// Before the claim deadline the contract holds at least every unpaid leaf of every posted root.
    function invariant_NeverOwesMoreThanHeld() public view {
        if (block.timestamp < _claimDeadline()) {
            assertGe(token.balanceOf(address(distributor)), handler.owed(), "holds less than it owes");
        }
    }

    /// Every token that came in is accounted for, to the wei: paid, swept, or still held.
    function invariant_FundsConserved() public view {
        assertEq(
            handler.ghostFunded() + handler.ghostStray(),
            handler.ghostPaidTotal() + handler.ghostSwept() + token.balanceOf(address(distributor)),
            "funded + stray != paid + swept + balance"
        );
        assertEq(distributor.totalFunded(), handler.ghostFunded(), "totalFunded drifted");
    }

    /// No leaf (one account in one round) is ever paid twice, and the bitmap says exactly which were paid.
    function invariant_NoLeafPaidTwice() public view {
        assertFalse(handler.doublePaid(), "a leaf was paid twice");
        for (uint256 round = 1; round <= 4; ++round) {
            uint256 n = handler.leafCount(round);
            for (uint256 i = 0; i < n; ++i) {
                uint256 count = handler.ghostPayCount(round, i);
                assertLe(count, 1, "a leaf was paid twice");
                assertTrue(distributor.isClaimed(round, i) == (count == 1), "bitmap disagrees with payments");
            }
        }
    }

    /// A round never pays more than the total its root was posted with.
    function invariant_RoundNeverPaysMoreThanTotal() public view {
        for (uint256 round = 1; round <= 4; ++round) {
            assertLe(handler.ghostPaid(round), handler.roundTotal(round), "a round paid more than its total");
            assertLe(handler.roundTotal(round), distributor.ROUND_BUDGET(), "a round's total is above the budget");
        }
        assertEq(distributor.totalAllocated(), handler.allocated(), "totalAllocated drifted");
    }

    /// Each round's on-chain paid counter stays within its total and equals what the handler saw it pay;
    /// `outstanding()` is what the posted roots still owe, and the balance covers it plus the unallocated part.
    function invariant_RoundBooks() public view {
        uint256 owedOnChain;
        for (uint256 round = 1; round <= 4; ++round) {
            IPodiumDistributor.RoundState memory s = distributor.roundState(round);
            assertLe(s.paid, s.total, "a round's paid counter is above its total");
            assertEq(s.paid, handler.ghostPaid(round), "a round's paid counter disagrees with its payments");
            assertEq(s.total, handler.roundTotal(round), "a round's total drifted");
            assertEq(s.left, s.total - s.paid, "left is not total - paid");
            owedOnChain += s.left;
        }
        if (block.timestamp < _claimDeadline()) {
            assertEq(distributor.outstanding(), owedOnChain, "outstanding() is not the sum of what rounds owe");
            assertEq(distributor.outstanding(), handler.owed(), "outstanding() disagrees with the handler");
            assertGe(
                token.balanceOf(address(distributor)),
                distributor.unallocated() + distributor.outstanding(),
                "the balance covers less than the unallocated part plus what is owed"
            );
        } else {
            assertEq(distributor.outstanding(), 0, "something is owed after the claim deadline");
        }
    }

    /// The rounds' paid counters add up to exactly what left the contract through claims.
    function invariant_PaidCountersSumToClaimsOut() public view {
        uint256 sum;
        for (uint256 round = 1; round <= 4; ++round) {
            sum += distributor.roundState(round).paid;
        }
        assertEq(sum, handler.ghostPaidTotal(), "sum of paid != what claims paid");
        assertEq(sum, token.sentBy(address(distributor)) - handler.ghostSwept(), "sum of paid != tokens out - sweeps");
    }

    /// In every state reached, `sweepable()` is exactly what `sweep()` would send, and 0 when it would revert
    /// (tried on a snapshot that is then thrown away).
    function invariant_SweepableIsWhatSweepSends() public {
        uint256 promised = distributor.sweepable();
        uint256 snapshot = vm.snapshotState();
        uint256 before = token.balanceOf(funder);
        uint256 sent;
        try distributor.sweep() {
            sent = token.balanceOf(funder) - before;
            assertGt(sent, 0, "sweep succeeded and sent nothing");
        } catch {}
        vm.revertToState(snapshot);
        assertEq(sent, promised, "sweepable() != what sweep() sends");
    }

    /// Before the deadline the funder only ever receives funding that no root was given.
    function invariant_FunderNeverTakesOwedMoneyEarly() public view {
        assertFalse(handler.sweptOwedMoney(), "a sweep before the deadline took owed money");
        assertLe(
            handler.ghostSweptBeforeDeadline(),
            handler.ghostFunded() - distributor.totalAllocated(),
            "swept more than the unallocated funding before the deadline"
        );
        assertEq(token.balanceOf(funder), handler.ghostSwept(), "the funder received tokens other than sweeps");
    }

    /// The handler saw nothing an honest run must never show (a wrong payment, a wrong revert reason).
    function invariant_HandlerSawNoSurprise() public view {
        string memory surprise = handler.surprise();
        assertEq(bytes(surprise).length, 0, surprise);
    }

    /// Tokens leave the distributor only through claims and sweeps.
    function invariant_NothingLeavesExceptClaimOrSweep() public view {
        assertEq(
            token.sentBy(address(distributor)),
            handler.ghostPaidTotal() + handler.ghostSwept(),
            "tokens left other than by claim or sweep"
        );
    }
}
