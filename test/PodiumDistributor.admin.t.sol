// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../contracts/interfaces/IPodiumDistributor.sol";
import {DistributorFixture} from "./helpers/DistributorFixture.sol";
import {FeeToken} from "./mocks/FeeToken.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Constructor, committee handover, funding, posting and revoking roots.
contract PodiumDistributorAdminTest is DistributorFixture {
    // ------------------------------------------------------------------------------------------------
    // constructor
    // ------------------------------------------------------------------------------------------------

    function test_Constructor_SetsConfiguration() public view {
        assertEq(address(distributor.TOKEN()), address(token));
        assertEq(distributor.FUNDER(), funder);
        assertEq(distributor.committee(), committee);
        assertEq(distributor.pendingCommittee(), address(0));
        assertEq(distributor.PROGRAM_START(), start);
        assertEq(distributor.ROUND_DURATION(), DURATION);
        assertEq(distributor.ROUND_COUNT(), ROUNDS);
        assertEq(distributor.ROUND_BUDGET(), BUDGET);
        assertEq(distributor.ROOT_DELAY(), ROOT_DELAY);
        assertEq(distributor.CLAIM_WINDOW(), CLAIM_WINDOW);
        (
            uint256 s,
            uint256 d,
            uint256 n,
            uint256 programEnd,
            uint256 postingDeadline,
            uint256 claimDeadline,
            uint256 rootDelay,
            uint256 claimWindow
        ) = distributor.timeline();
        assertEq(s, start);
        assertEq(d, DURATION);
        assertEq(n, ROUNDS);
        assertEq(programEnd, start + 3 * DURATION);
        assertEq(claimDeadline, programEnd + CLAIM_WINDOW);
        assertEq(postingDeadline, claimDeadline - ROOT_DELAY);
        assertEq(rootDelay, ROOT_DELAY);
        assertEq(claimWindow, CLAIM_WINDOW);
    }

    function test_Constructor_AcceptsStartNow() public {
        PodiumDistributor d = _deploy(block.timestamp, 1, 1);
        assertEq(d.PROGRAM_START(), block.timestamp);
    }

    function _expectConstructorRevert(bytes memory err, IERC20 tok, address f, address c, uint256[6] memory p)
        internal
    {
        vm.expectRevert(err);
        new PodiumDistributor(tok, f, c, p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    function _params() internal view returns (uint256[6] memory p) {
        p = [start, DURATION, ROUNDS, BUDGET, ROOT_DELAY, CLAIM_WINDOW];
    }

    function test_RevertWhen_ConstructorZeroToken() public {
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.ZeroAddressToken.selector),
            IERC20(address(0)),
            funder,
            committee,
            _params()
        );
    }

    function test_RevertWhen_ConstructorZeroFunder() public {
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.ZeroAddressFunder.selector),
            token,
            address(0),
            committee,
            _params()
        );
    }

    function test_RevertWhen_ConstructorZeroCommittee() public {
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.ZeroAddressCommittee.selector),
            token,
            funder,
            address(0),
            _params()
        );
    }

    function test_RevertWhen_ConstructorZeroDuration() public {
        uint256[6] memory p = _params();
        p[1] = 0;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.ZeroDuration.selector), token, funder, committee, p
        );
    }

    function test_RevertWhen_ConstructorZeroRoundCount() public {
        uint256[6] memory p = _params();
        p[2] = 0;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.ZeroRoundCount.selector), token, funder, committee, p
        );
    }

    function test_RevertWhen_ConstructorTooManyRounds() public {
        uint256[6] memory p = _params();
        p[2] = 1001;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.TooManyRounds.selector, 1001, 1000), token, funder, committee, p
        );
        p[2] = 1000;
        new PodiumDistributor(token, funder, committee, p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    function test_RevertWhen_ConstructorZeroBudget() public {
        uint256[6] memory p = _params();
        p[3] = 0;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.ZeroBudget.selector), token, funder, committee, p
        );
    }

    function test_RevertWhen_ConstructorBudgetTooLarge() public {
        uint256[6] memory p = _params();
        p[3] = uint256(type(uint96).max) + 1;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.BudgetTooLarge.selector, p[3], type(uint96).max),
            token,
            funder,
            committee,
            p
        );
    }

    /// The largest budget that fits the 96-bit counters is accepted: the bound is inclusive.
    function test_Constructor_AcceptsTheLargestBudget() public {
        uint256[6] memory p = _params();
        p[3] = type(uint96).max;
        PodiumDistributor d = new PodiumDistributor(token, funder, committee, p[0], p[1], p[2], p[3], p[4], p[5]);
        assertEq(d.ROUND_BUDGET(), type(uint96).max);
    }

    function test_RevertWhen_ConstructorStartInPast() public {
        uint256[6] memory p = _params();
        p[0] = block.timestamp - 1;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.StartInPast.selector, p[0], block.timestamp),
            token,
            funder,
            committee,
            p
        );
    }

    function test_RevertWhen_ConstructorClaimWindowNotLongerThanRootDelay() public {
        uint256[6] memory p = _params();
        p[5] = ROOT_DELAY;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.ClaimWindowTooShort.selector, ROOT_DELAY, ROOT_DELAY),
            token,
            funder,
            committee,
            p
        );
    }

    /// A claim window shorter than the root delay is refused too (a root posted at the deadline could never
    /// be claimed), and one second longer than the delay is the shortest accepted.
    function test_RevertWhen_ConstructorClaimWindowShorterThanRootDelay() public {
        uint256[6] memory p = _params();
        p[5] = ROOT_DELAY - 1;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.ClaimWindowTooShort.selector, ROOT_DELAY - 1, ROOT_DELAY),
            token,
            funder,
            committee,
            p
        );
        p[5] = ROOT_DELAY + 1;
        PodiumDistributor d = new PodiumDistributor(token, funder, committee, p[0], p[1], p[2], p[3], p[4], p[5]);
        assertEq(d.CLAIM_WINDOW(), ROOT_DELAY + 1);
    }

    /// A timeline whose claim deadline is exactly the largest 40-bit timestamp fits.
    function test_Constructor_AcceptsATimelineEndingAtTheLargestTimestamp() public {
        uint256[6] memory p = _params();
        p[1] = (uint256(type(uint40).max) - start - CLAIM_WINDOW) / ROUNDS;
        p[5] = uint256(type(uint40).max) - start - p[1] * ROUNDS;
        PodiumDistributor d = new PodiumDistributor(token, funder, committee, p[0], p[1], p[2], p[3], p[4], p[5]);
        (,,,,, uint256 claimDeadline,,) = d.timeline();
        assertEq(claimDeadline, type(uint40).max);
    }

    function test_RevertWhen_ConstructorTimelineTooLong() public {
        uint256[6] memory p = _params();
        p[1] = uint256(type(uint40).max) / 2;
        uint256 deadline = start + p[1] * ROUNDS + CLAIM_WINDOW;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.TimelineTooLong.selector, deadline, type(uint40).max),
            token,
            funder,
            committee,
            p
        );
        p[1] = type(uint256).max;
        _expectConstructorRevert(
            abi.encodeWithSelector(IPodiumDistributor.TimelineTooLong.selector, type(uint256).max, type(uint40).max),
            token,
            funder,
            committee,
            p
        );
    }

    // ------------------------------------------------------------------------------------------------
    // committee handover
    // ------------------------------------------------------------------------------------------------

    function test_Committee_HandoverInTwoSteps() public {
        address next = makeAddr("next");
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.CommitteeProposed(committee, next);
        vm.prank(committee);
        distributor.proposeCommittee(next);
        assertEq(distributor.pendingCommittee(), next);
        assertEq(distributor.committee(), committee, "nothing changes until accepted");

        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.CommitteeChanged(committee, next);
        vm.prank(next);
        distributor.acceptCommittee();
        assertEq(distributor.committee(), next);
        assertEq(distributor.pendingCommittee(), address(0));

        // The old committee has lost its rights; the new one has them.
        (bytes32 root, uint256 total) = _abc(1);
        _fund(total);
        vm.warp(_endOf(1));
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NotCommittee.selector, committee));
        vm.prank(committee);
        distributor.postRoot(1, root, total, "");
        vm.prank(next);
        distributor.postRoot(1, root, total, "");
    }

    function test_RevertWhen_ProposeNotCommittee() public {
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NotCommittee.selector, funder));
        vm.prank(funder);
        distributor.proposeCommittee(funder);
    }

    function test_RevertWhen_AcceptNotPending() public {
        vm.prank(committee);
        distributor.proposeCommittee(alice);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NotPendingCommittee.selector, bob));
        vm.prank(bob);
        distributor.acceptCommittee();
    }

    function test_Committee_ProposeZeroCancels() public {
        vm.startPrank(committee);
        distributor.proposeCommittee(alice);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.CommitteeProposed(committee, address(0));
        distributor.proposeCommittee(address(0));
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NotPendingCommittee.selector, alice));
        vm.prank(alice);
        distributor.acceptCommittee();
    }

    // ------------------------------------------------------------------------------------------------
    // fund
    // ------------------------------------------------------------------------------------------------

    function test_Fund_RecordsFunding() public {
        token.mint(funder, 500e18);
        vm.startPrank(funder);
        token.approve(address(distributor), 500e18);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.Funded(funder, 200e18, 200e18);
        distributor.fund(200e18);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.Funded(funder, 300e18, 500e18);
        distributor.fund(300e18);
        vm.stopPrank();
        assertEq(distributor.totalFunded(), 500e18);
        assertEq(distributor.unallocated(), 500e18);
        assertEq(token.balanceOf(address(distributor)), 500e18);
        assertEq(token.balanceOf(funder), 0);
    }

    function test_Fund_AnyoneMayFund() public {
        token.mint(stranger, 1e18);
        vm.startPrank(stranger);
        token.approve(address(distributor), 1e18);
        distributor.fund(1e18);
        vm.stopPrank();
        assertEq(distributor.totalFunded(), 1e18);
    }

    function test_Fund_CreditsWhatArrived() public {
        FeeToken feeToken = new FeeToken();
        PodiumDistributor d = new PodiumDistributor(
            feeToken, funder, committee, start, DURATION, ROUNDS, BUDGET, ROOT_DELAY, CLAIM_WINDOW
        );
        feeToken.mint(funder, 1000e18);
        vm.startPrank(funder);
        feeToken.approve(address(d), 1000e18);
        vm.expectEmit(address(d));
        emit IPodiumDistributor.Funded(funder, 990e18, 990e18);
        d.fund(1000e18);
        vm.stopPrank();
        assertEq(d.totalFunded(), 990e18);
        assertEq(feeToken.balanceOf(address(d)), 990e18);
    }

    /// A transfer that delivers nothing (a token taking all of it as a fee) funds nothing and is refused.
    function test_RevertWhen_FundDeliversNothing() public {
        FeeToken feeToken = new FeeToken();
        feeToken.setFeePercent(100);
        PodiumDistributor d = new PodiumDistributor(
            feeToken, funder, committee, start, DURATION, ROUNDS, BUDGET, ROOT_DELAY, CLAIM_WINDOW
        );
        feeToken.mint(funder, 1e18);
        vm.startPrank(funder);
        feeToken.approve(address(d), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ZeroAmount.selector));
        d.fund(1e18);
        vm.stopPrank();
        assertEq(d.totalFunded(), 0);
    }

    function test_Fund_PlainTransferIsNotFunding() public {
        token.mint(address(distributor), 5e18);
        assertEq(distributor.totalFunded(), 0);
        assertEq(distributor.unallocated(), 0);
        assertEq(distributor.outstanding(), 0, "stray tokens are owed to nobody");
    }

    function test_RevertWhen_FundZero() public {
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ZeroAmount.selector));
        vm.prank(funder);
        distributor.fund(0);
    }

    /// A zero amount is refused as such whenever it is sent, before anything else is looked at.
    function test_RevertWhen_FundZeroAfterPostingClosed() public {
        vm.warp(_postingDeadline() + 1);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ZeroAmount.selector));
        vm.prank(funder);
        distributor.fund(0);
    }

    function test_RevertWhen_FundWithoutAllowance() public {
        token.mint(funder, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(distributor), 0, 1e18)
        );
        vm.prank(funder);
        distributor.fund(1e18);
    }

    function test_RevertWhen_FundAfterPostingClosed() public {
        token.mint(funder, 1e18);
        vm.prank(funder);
        token.approve(address(distributor), 1e18);
        vm.warp(_postingDeadline());
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.FundingClosed.selector, _postingDeadline()));
        vm.prank(funder);
        distributor.fund(1e18);
        vm.warp(_postingDeadline() + 1 days);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.FundingClosed.selector, _postingDeadline()));
        vm.prank(funder);
        distributor.fund(1e18);
        vm.warp(_postingDeadline() - 1);
        vm.prank(funder);
        distributor.fund(1e18);
    }

    // ------------------------------------------------------------------------------------------------
    // postRoot
    // ------------------------------------------------------------------------------------------------

    function test_PostRoot_StoresPendingRoot() public {
        _fund(3 * BUDGET);
        (bytes32 root, uint256 total) = _abc(1);
        vm.warp(_endOf(1));
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.RootPosted(1, root, total, block.timestamp + ROOT_DELAY, "ipfs://r1");
        vm.prank(committee);
        distributor.postRoot(1, root, total, "ipfs://r1");

        IPodiumDistributor.RoundState memory s = distributor.roundState(1);
        assertEq(s.root, root);
        assertEq(s.total, total);
        assertEq(s.postedAt, block.timestamp);
        assertEq(s.validAt, block.timestamp + ROOT_DELAY);
        assertEq(s.uri, "ipfs://r1");
        assertEq(uint256(s.status), uint256(IPodiumDistributor.RoundStatus.Pending));
        assertEq(s.revocations, 0);
        assertEq(distributor.totalAllocated(), total);
        assertEq(distributor.unallocated(), 3 * BUDGET - total);
    }

    function test_PostRoot_EmptyRoundClosesWithZeroRoot() public {
        vm.warp(_endOf(1));
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.RootPosted(1, bytes32(0), 0, block.timestamp + ROOT_DELAY, "");
        vm.prank(committee);
        distributor.postRoot(1, bytes32(0), 0, "");
        assertEq(uint256(distributor.roundState(1).status), uint256(IPodiumDistributor.RoundStatus.Pending));
        vm.warp(block.timestamp + ROOT_DELAY);
        assertEq(uint256(distributor.roundState(1).status), uint256(IPodiumDistributor.RoundStatus.Valid));
        // Posted means posted: a second root for the round is refused.
        vm.expectRevert(
            abi.encodeWithSelector(IPodiumDistributor.RootAlreadyPosted.selector, 1, bytes32(0), block.timestamp)
        );
        vm.prank(committee);
        distributor.postRoot(1, bytes32(0), 0, "");
    }

    function test_PostRoot_FullBudgetAtLastMoment() public {
        _fund(BUDGET);
        address[] memory accounts = new address[](1);
        accounts[0] = alice;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = BUDGET;
        bytes32 root = _tree(3, accounts, amounts);
        vm.warp(_postingDeadline() - 1);
        vm.prank(committee);
        distributor.postRoot(3, root, BUDGET, "");
        vm.warp(block.timestamp + ROOT_DELAY);
        _claim(3, 0);
        assertEq(token.balanceOf(alice), BUDGET);
    }

    function test_RevertWhen_PostRootNotCommittee() public {
        vm.warp(_endOf(1));
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NotCommittee.selector, funder));
        vm.prank(funder);
        distributor.postRoot(1, bytes32(0), 0, "");
    }

    function test_RevertWhen_PostRootRoundOutOfRange() public {
        vm.warp(_programEnd());
        vm.startPrank(committee);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundOutOfRange.selector, 0, ROUNDS));
        distributor.postRoot(0, bytes32(0), 0, "");
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundOutOfRange.selector, ROUNDS + 1, ROUNDS));
        distributor.postRoot(ROUNDS + 1, bytes32(0), 0, "");
        vm.stopPrank();
    }

    function test_RevertWhen_PostRootRoundNotEnded() public {
        vm.warp(_endOf(2) - 1);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundNotEnded.selector, 2, _endOf(2)));
        vm.prank(committee);
        distributor.postRoot(2, bytes32(0), 0, "");
        vm.warp(_endOf(2));
        vm.prank(committee);
        distributor.postRoot(2, bytes32(0), 0, "");
    }

    function test_RevertWhen_PostRootAfterPostingClosed() public {
        vm.warp(_postingDeadline());
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.PostingClosed.selector, _postingDeadline()));
        vm.prank(committee);
        distributor.postRoot(1, bytes32(0), 0, "");
        vm.warp(_postingDeadline() + 1 days);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.PostingClosed.selector, _postingDeadline()));
        vm.prank(committee);
        distributor.postRoot(1, bytes32(0), 0, "");
    }

    function test_RevertWhen_PostRootTwice() public {
        _fund(3 * BUDGET);
        (bytes32 root, uint256 total) = _abc(1);
        vm.warp(_endOf(1));
        vm.startPrank(committee);
        distributor.postRoot(1, root, total, "");
        uint256 validAt = block.timestamp + ROOT_DELAY;
        // while pending
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootAlreadyPosted.selector, 1, root, validAt));
        distributor.postRoot(1, keccak256("other"), 1, "");
        // and once valid
        vm.warp(validAt);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootAlreadyPosted.selector, 1, root, validAt));
        distributor.postRoot(1, keccak256("other"), 1, "");
        vm.stopPrank();
    }

    function test_RevertWhen_PostRootTotalExceedsBudget() public {
        _fund(3 * BUDGET);
        vm.warp(_endOf(1));
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.TotalExceedsBudget.selector, 1, BUDGET + 1, BUDGET));
        vm.prank(committee);
        distributor.postRoot(1, keccak256("root"), BUDGET + 1, "");
    }

    function test_RevertWhen_PostRootTotalMismatch() public {
        _fund(BUDGET);
        vm.warp(_endOf(1));
        vm.startPrank(committee);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootTotalMismatch.selector, bytes32(0), 1));
        distributor.postRoot(1, bytes32(0), 1, "");
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootTotalMismatch.selector, keccak256("root"), 0));
        distributor.postRoot(1, keccak256("root"), 0, "");
        vm.stopPrank();
    }

    function test_RevertWhen_PostRootUnderfunded() public {
        _fund(100);
        vm.warp(_endOf(1));
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InsufficientFunding.selector, 1, 101, 100));
        vm.prank(committee);
        distributor.postRoot(1, keccak256("root"), 101, "");
    }

    // ------------------------------------------------------------------------------------------------
    // revokeRoot
    // ------------------------------------------------------------------------------------------------

    function _postPending(uint256 round) internal returns (bytes32 root, uint256 total) {
        (root, total) = _abc(round);
        if (block.timestamp < _endOf(round)) vm.warp(_endOf(round));
        vm.prank(committee);
        distributor.postRoot(round, root, total, "ipfs://pending");
    }

    function test_RevokeRoot_ByCommitteeThenRepost() public {
        _fund(3 * BUDGET);
        (bytes32 root, uint256 total) = _postPending(1);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.RootRevoked(1, root, total, committee);
        vm.prank(committee);
        distributor.revokeRoot(1);

        IPodiumDistributor.RoundState memory s = distributor.roundState(1);
        assertEq(s.root, bytes32(0));
        assertEq(s.total, 0);
        assertEq(s.postedAt, 0);
        assertEq(s.validAt, 0);
        assertEq(s.uri, "");
        assertEq(s.revocations, 1);
        assertEq(uint256(s.status), uint256(IPodiumDistributor.RoundStatus.Ended));
        assertEq(distributor.totalAllocated(), 0);
        assertEq(distributor.unallocated(), 3 * BUDGET);

        vm.prank(committee);
        distributor.postRoot(1, root, total, "ipfs://again");
        assertEq(distributor.roundState(1).revocations, 1);
        assertEq(distributor.totalAllocated(), total);

        // Each revocation counts: a second one makes two, whoever revokes.
        vm.prank(funder);
        distributor.revokeRoot(1);
        assertEq(distributor.roundState(1).revocations, 2);
        assertEq(distributor.totalAllocated(), 0);
    }

    function test_RevokeRoot_ByFunder() public {
        _fund(3 * BUDGET);
        (bytes32 root, uint256 total) = _postPending(2);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.RootRevoked(2, root, total, funder);
        vm.prank(funder);
        distributor.revokeRoot(2);
        assertEq(distributor.roundState(2).validAt, 0);
    }

    function test_RevertWhen_RevokeRootNotCommitteeOrFunder() public {
        _fund(3 * BUDGET);
        _postPending(1);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NotCommitteeOrFunder.selector, alice));
        vm.prank(alice);
        distributor.revokeRoot(1);
    }

    function test_RevertWhen_RevokeRootNothingPosted() public {
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NoRoot.selector, 1));
        vm.prank(committee);
        distributor.revokeRoot(1);
    }

    function test_RevertWhen_RevokeRootAlreadyValid() public {
        _fund(3 * BUDGET);
        _postPending(1);
        uint256 validAt = block.timestamp + ROOT_DELAY;
        vm.warp(validAt);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotPending.selector, 1, validAt));
        vm.prank(funder);
        distributor.revokeRoot(1);
        vm.warp(validAt + 1 days);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotPending.selector, 1, validAt));
        vm.prank(committee);
        distributor.revokeRoot(1);
    }

    function test_RevokeRoot_LastPendingSecond() public {
        _fund(3 * BUDGET);
        _postPending(1);
        vm.warp(block.timestamp + ROOT_DELAY - 1);
        vm.prank(funder);
        distributor.revokeRoot(1);
        assertEq(distributor.roundState(1).revocations, 1);
    }
}
