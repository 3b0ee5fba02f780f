// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPodiumDistributor} from "../contracts/interfaces/IPodiumDistributor.sol";
import {DistributorFixture} from "./helpers/DistributorFixture.sol";

/// @notice Fuzz tests over tree sizes, amounts, rounds and times; each has a fixed-case sibling in the
/// unit tests.
contract PodiumDistributorFuzzTest is DistributorFixture {
    function setUp() public override {
        super.setUp();
        _fund(3 * BUDGET);
    }

    /// @dev A round of `n` leaves with amounts from `seed`, summing to at most the budget.
    function _randomRound(uint256 round, uint256 n, uint256 seed) internal returns (bytes32 root, uint256 total) {
        address[] memory accounts = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            accounts[i] = address(uint160(uint256(keccak256(abi.encode(seed, "account", i)))));
            amounts[i] = 1 + uint256(keccak256(abi.encode(seed, "amount", i))) % (BUDGET / n);
        }
        root = _tree(round, accounts, amounts);
        total = trees[round].total;
    }

    function _post(uint256 round, bytes32 root, uint256 total) internal {
        if (block.timestamp < _endOf(round)) vm.warp(_endOf(round));
        vm.prank(committee);
        distributor.postRoot(round, root, total, "");
    }

    function testFuzz_Claim_AnyLeafOfAnyTree(uint256 n, uint256 seed, uint256 which, uint256 round) public {
        n = bound(n, 1, 64);
        which = bound(which, 0, n - 1);
        round = bound(round, 1, ROUNDS);
        (bytes32 root, uint256 total) = _randomRound(round, n, seed);
        _post(round, root, total);
        vm.warp(block.timestamp + ROOT_DELAY);

        address account = trees[round].accounts[which];
        uint256 amount = trees[round].amounts[which];
        bytes32[] memory proof = _proof(round, which);
        uint256 before = token.balanceOf(account);
        vm.expectEmit(address(distributor));
        emit IPodiumDistributor.Claimed(round, account, account, amount);
        distributor.claim(round, which, account, amount, proof);
        assertEq(token.balanceOf(account), before + amount);
        assertTrue(distributor.isClaimed(round, which));
        for (uint256 i = 0; i < n; ++i) {
            assertEq(distributor.isClaimed(round, i), i == which);
        }
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.AlreadyClaimed.selector, round, which));
        distributor.claim(round, which, account, amount, proof);
    }

    function testFuzz_RevertWhen_ClaimAltered(uint256 n, uint256 seed, uint256 which, uint256 delta, address other)
        public
    {
        n = bound(n, 1, 32);
        which = bound(which, 0, n - 1);
        delta = bound(delta, 1, type(uint128).max);
        (bytes32 root, uint256 total) = _randomRound(1, n, seed);
        _post(1, root, total);
        vm.warp(block.timestamp + ROOT_DELAY);
        address account = trees[1].accounts[which];
        uint256 amount = trees[1].amounts[which];
        bytes32[] memory proof = _proof(1, which);

        vm.expectRevert(
            abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, which, account, amount + delta)
        );
        distributor.claim(1, which, account, amount + delta, proof);
        if (other != account) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, which, other, amount));
            distributor.claim(1, which, other, amount, proof);
        }
        uint256 otherIndex = which + delta;
        vm.expectRevert(
            abi.encodeWithSelector(IPodiumDistributor.InvalidProof.selector, 1, otherIndex, account, amount)
        );
        distributor.claim(1, otherIndex, account, amount, proof);
    }

    function testFuzz_ClaimMany_SumOfRounds(uint256 seed, uint256 n, uint8 mask) public {
        n = bound(n, 1, 16);
        uint256 rounds = bound(mask, 1, 7); // non-empty subset of {1, 2, 3}
        vm.warp(_programEnd());
        // The same account is leaf 0 of every round.
        address account = makeAddr("claimer");
        uint256 count;
        for (uint256 r = 1; r <= ROUNDS; ++r) {
            (bytes32 root, uint256 total) = _randomRoundWith(r, n, seed, account);
            _post(r, root, total);
            if (rounds & (2 ** (r - 1)) != 0) ++count;
        }
        vm.warp(block.timestamp + ROOT_DELAY);
        IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](count);
        uint256 sum;
        uint256 k;
        for (uint256 r = 1; r <= ROUNDS; ++r) {
            if (rounds & (2 ** (r - 1)) == 0) continue;
            claims[k++] = _claimOf(r, 0);
            sum += trees[r].amounts[0];
        }
        distributor.claimMany(account, claims);
        assertEq(token.balanceOf(account), sum);
        for (uint256 r = 1; r <= ROUNDS; ++r) {
            assertEq(distributor.isClaimed(r, 0), rounds & (2 ** (r - 1)) != 0);
        }
    }

    function _randomRoundWith(uint256 round, uint256 n, uint256 seed, address first)
        internal
        returns (bytes32 root, uint256 total)
    {
        address[] memory accounts = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            accounts[i] = i == 0 ? first : address(uint160(uint256(keccak256(abi.encode(seed, round, i)))));
            amounts[i] = 1 + uint256(keccak256(abi.encode(seed, round, "amount", i))) % (BUDGET / n);
        }
        root = _tree(round, accounts, amounts);
        total = trees[round].total;
    }

    function testFuzz_PostRoot_SolvencyAndBudget(uint256 funding, uint256 total1, uint256 total2) public {
        // A fresh program with fuzzed funding.
        distributor = _deploy(block.timestamp, ROUNDS, BUDGET);
        funding = bound(funding, 1, 3 * BUDGET);
        total1 = bound(total1, 1, BUDGET + 1);
        total2 = bound(total2, 1, 2 * BUDGET);
        _fund(funding);
        vm.warp(distributor.PROGRAM_START() + 2 * DURATION);
        vm.startPrank(committee);
        uint256 allocated;
        if (total1 > BUDGET) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.TotalExceedsBudget.selector, 1, total1, BUDGET));
        } else if (total1 > funding) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.InsufficientFunding.selector, 1, total1, funding));
        } else {
            allocated = total1;
        }
        distributor.postRoot(1, keccak256("1"), total1, "");
        if (total2 > BUDGET) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.TotalExceedsBudget.selector, 2, total2, BUDGET));
        } else if (total2 > funding - allocated) {
            vm.expectRevert(
                abi.encodeWithSelector(IPodiumDistributor.InsufficientFunding.selector, 2, total2, funding - allocated)
            );
        } else {
            allocated += total2;
        }
        distributor.postRoot(2, keccak256("2"), total2, "");
        vm.stopPrank();
        assertEq(distributor.totalAllocated(), allocated);
        assertLe(distributor.totalAllocated(), distributor.totalFunded());
        assertEq(distributor.unallocated(), funding - allocated);
    }

    function testFuzz_PostRoot_OnlyBetweenRoundEndAndPostingDeadline(uint256 round, uint256 t) public {
        round = bound(round, 1, ROUNDS);
        t = bound(t, block.timestamp, _claimDeadline() + 1);
        vm.warp(t);
        if (t < _endOf(round)) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundNotEnded.selector, round, _endOf(round)));
        } else if (t >= _postingDeadline()) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.PostingClosed.selector, _postingDeadline()));
        }
        vm.prank(committee);
        distributor.postRoot(round, keccak256("r"), 1, "");
    }

    function testFuzz_Claim_OnlyWhileRootValid(uint256 t, uint256 postDelay) public {
        (bytes32 root, uint256 total) = _abc(2);
        postDelay = bound(postDelay, 0, _postingDeadline() - _endOf(2) - 1);
        vm.warp(_endOf(2) + postDelay);
        vm.prank(committee);
        distributor.postRoot(2, root, total, "");
        uint256 validAt = block.timestamp + ROOT_DELAY;
        t = bound(t, block.timestamp, _claimDeadline() + 10 days);
        vm.warp(t);
        bytes32[] memory proof = _proof(2, 1);
        uint256 amount = trees[2].amounts[1];
        if (t < validAt) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RootNotValid.selector, 2, validAt));
        } else if (t >= _claimDeadline()) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.ClaimDeadlinePassed.selector, _claimDeadline()));
        }
        distributor.claim(2, 1, bob, amount, proof);
        assertEq(token.balanceOf(bob), t >= validAt && t < _claimDeadline() ? amount : 0);
    }

    /// Whenever sweep runs before the deadline, what stays behind covers every unclaimed leaf.
    function testFuzz_Sweep_NeverTakesWhatIsOwed(uint256 t, uint256 claimsMask, uint256 stray) public {
        uint256 owed;
        for (uint256 r = 1; r <= ROUNDS; ++r) {
            (, uint256 total) = _postValid(r);
            owed += total;
        }
        claimsMask = bound(claimsMask, 0, 511);
        for (uint256 r = 1; r <= ROUNDS; ++r) {
            for (uint256 i = 0; i < 3; ++i) {
                if (claimsMask & (2 ** ((r - 1) * 3 + i)) != 0) {
                    _claim(r, i);
                    owed -= trees[r].amounts[i];
                }
            }
        }
        stray = bound(stray, 0, 1e24);
        token.mint(address(distributor), stray);
        t = bound(t, block.timestamp, _claimDeadline() + 1);
        vm.warp(t);
        uint256 expected = distributor.sweepable();
        uint256 before = token.balanceOf(funder);
        if (expected == 0) {
            vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.NothingToSweep.selector));
        }
        distributor.sweep();
        assertEq(token.balanceOf(funder) - before, expected);
        if (t < _claimDeadline()) {
            assertGe(token.balanceOf(address(distributor)), owed + stray);
        } else {
            assertEq(token.balanceOf(address(distributor)), 0);
        }
    }
}
