// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../contracts/interfaces/IPodiumDistributor.sol";
import {DistributorFixture} from "./helpers/DistributorFixture.sol";
import {ShrinkingToken} from "./mocks/ShrinkingToken.sol";

/// @notice Round isolation: each round pays at most its posted total, whatever its tree says, so a wrong
/// tree can only misdirect its own round's money, never another round's or the funder's.
contract PodiumDistributorIsolationTest is DistributorFixture {
    /// The storage slot of `_rounds` (see `forge inspect PodiumDistributor storageLayout`).
    uint256 internal constant ROUNDS_SLOT = 5;

    function _books(PodiumDistributor d, uint256 round) internal view returns (uint256) {
        bytes32 base = keccak256(abi.encode(round, ROUNDS_SLOT));
        return uint256(vm.load(address(d), bytes32(uint256(base) + 1)));
    }

    /// Round 1 is posted with total 1,000 over leaves that add up to 7,000 (alice 400, bob 6,000, carol 600);
    /// round 2 is honest. Before isolation, bob took 6,000 of round 2's money and round 2's claims failed.
    function test_Attack_OverAllocatedRoundCannotSpendAnotherRound() public {
        PodiumDistributor d = _deploy(start, 2, BUDGET);
        distributor = d;
        _fund(8500e18); // round 1's 1,000, round 2's 7,000 and 500 nobody is given
        address[] memory accounts = new address[](3);
        accounts[0] = alice;
        accounts[1] = bob;
        accounts[2] = carol;
        uint256[] memory amounts = new uint256[](3);
        amounts[0] = 400e18;
        amounts[1] = 6000e18;
        amounts[2] = 600e18;
        bytes32 wrongRoot = _tree(1, accounts, amounts);
        amounts[0] = 1000e18;
        amounts[1] = 2500e18;
        amounts[2] = 3500e18;
        bytes32 root2 = _tree(2, accounts, amounts);
        vm.warp(start + 2 * DURATION);
        vm.startPrank(committee);
        d.postRoot(1, wrongRoot, 1000e18, "ipfs://wrong");
        d.postRoot(2, root2, 7000e18, "ipfs://round2");
        vm.stopPrank();
        vm.warp(block.timestamp + ROOT_DELAY);
        assertEq(d.outstanding(), 8000e18);

        _claim(1, 0); // alice 400: within the total
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundTotalExceeded.selector, 1, 6000e18, 600e18));
        _claim(1, 1); // bob's 6,000: the round has 600 left
        assertFalse(d.isClaimed(1, 1), "the refused leaf stays unclaimed");
        _claim(1, 2); // carol 600: exactly what is left
        IPodiumDistributor.RoundState memory s = d.roundState(1);
        assertEq(s.paid, 1000e18);
        assertEq(s.left, 0);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundTotalExceeded.selector, 1, 6000e18, 0));
        _claim(1, 1);

        // Round 2 is untouched: claimed in full.
        for (uint256 i = 0; i < 3; ++i) {
            _claim(2, i);
        }
        assertEq(d.roundState(2).paid, 7000e18);
        assertEq(d.roundState(2).left, 0);
        assertEq(token.balanceOf(bob), 2500e18);
        assertEq(d.outstanding(), 0);

        // What sweepable() promises is what sweep() sends: the 500 nobody was given.
        uint256 promised = d.sweepable();
        assertEq(promised, 500e18);
        d.sweep();
        assertEq(token.balanceOf(funder), promised);
        assertEq(token.balanceOf(address(d)), 0);
        assertEq(d.sweepable(), 0);
    }

    /// A batch that would take a round past its total fails whole: no leaf of it is paid or marked.
    function test_RevertWhen_BatchTakesRoundPastTotal() public {
        _fund(3 * BUDGET);
        (bytes32 root1, uint256 total1) = _abc(1);
        (bytes32 root2,) = _abc(2);
        vm.warp(_endOf(2));
        vm.startPrank(committee);
        distributor.postRoot(1, root1, total1, "");
        distributor.postRoot(2, root2, 1000e18, ""); // less than alice's 1,000e18 + 2
        vm.stopPrank();
        vm.warp(block.timestamp + ROOT_DELAY);
        IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](2);
        claims[0] = _claimOf(1, 0);
        claims[1] = _claimOf(2, 0);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundTotalExceeded.selector, 2, 1000e18 + 2, 1000e18));
        distributor.claimMany(alice, claims);
        assertFalse(distributor.isClaimed(1, 0));
        assertEq(distributor.roundState(1).paid, 0);
        assertEq(token.balanceOf(alice), 0);
    }

    /// Two leaves of one round in one batch: the second sees the counter the first raised.
    function test_RevertWhen_BatchLeavesOfOneRoundTogetherExceedTotal() public {
        _fund(3 * BUDGET);
        address[] memory accounts = new address[](2);
        accounts[0] = alice;
        accounts[1] = alice;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 60e18;
        amounts[1] = 50e18;
        bytes32 root = _tree(1, accounts, amounts);
        vm.warp(_endOf(1));
        vm.prank(committee);
        distributor.postRoot(1, root, 100e18, "");
        vm.warp(block.timestamp + ROOT_DELAY);
        IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](2);
        claims[0] = _claimOf(1, 0);
        claims[1] = _claimOf(1, 1);
        vm.expectRevert(abi.encodeWithSelector(IPodiumDistributor.RoundTotalExceeded.selector, 1, 50e18, 40e18));
        distributor.claimMany(alice, claims);
        distributor.claim(1, 1, alice, 50e18, _proof(1, 1));
        assertEq(distributor.roundState(1).left, 50e18);
    }

    function test_RoundState_PaidAndLeft() public {
        _fund(3 * BUDGET);
        (, uint256 total) = _postValid(1);
        IPodiumDistributor.RoundState memory s = distributor.roundState(1);
        assertEq(s.paid, 0);
        assertEq(s.left, total);
        _claim(1, 1);
        s = distributor.roundState(1);
        assertEq(s.paid, trees[1].amounts[1]);
        assertEq(s.left, total - trees[1].amounts[1]);
        assertEq(s.postedAt, s.validAt - ROOT_DELAY);
        // Rounds without a root have nothing paid and nothing left.
        s = distributor.roundState(2);
        assertEq(s.paid, 0);
        assertEq(s.left, 0);
        assertEq(s.postedAt, 0);
    }

    /// The claim path reads and rewrites the round's second slot whole, at fixed bit offsets: pin them.
    function test_StorageLayout_RoundSecondSlot() public {
        _fund(3 * BUDGET);
        (bytes32 root, uint256 total) = _abc(1);
        vm.warp(_endOf(1));
        vm.startPrank(committee);
        distributor.postRoot(1, root, total, "");
        distributor.revokeRoot(1);
        distributor.postRoot(1, root, total, "");
        vm.stopPrank();
        uint256 validAt = block.timestamp + ROOT_DELAY;
        vm.warp(validAt);
        _claim(1, 2);
        uint256 books = _books(distributor, 1);
        assertEq(books & type(uint96).max, total, "total: bits 0..95");
        assertEq((books >> 96) & type(uint40).max, validAt, "validAt: bits 96..135");
        assertEq((books >> 136) & type(uint96).max, trees[1].amounts[2], "paid: bits 136..231");
        assertEq(books >> 232, 1, "revocations: bits 232..255");
        bytes32 base = keccak256(abi.encode(uint256(1), ROUNDS_SLOT));
        assertEq(vm.load(address(distributor), base), root, "root: slot 0");
    }

    function test_Outstanding_PendingAndValidRoundsOnly() public {
        _fund(3 * BUDGET);
        (, uint256 t1) = _postValid(1);
        (bytes32 root2, uint256 t2) = _abc(2);
        vm.warp(_endOf(2));
        vm.prank(committee);
        distributor.postRoot(2, root2, t2, "");
        assertEq(distributor.outstanding(), t1 + t2, "a pending root's total is owed once it is valid");
        token.mint(address(distributor), 7);
        assertEq(distributor.outstanding(), t1 + t2, "stray tokens are not owed to anyone");
        _claim(1, 0);
        assertEq(distributor.outstanding(), t1 + t2 - trees[1].amounts[0]);
        vm.prank(funder);
        distributor.revokeRoot(2);
        assertEq(distributor.outstanding(), t1 - trees[1].amounts[0]);
        vm.warp(_claimDeadline() - 1);
        assertEq(distributor.outstanding(), t1 - trees[1].amounts[0]);
        vm.warp(_claimDeadline());
        assertEq(distributor.outstanding(), 0, "nothing is owed after the claim deadline");
    }

    /// A token that lost balance cannot pay the unallocated part: sweepable() says 0, as sweep() fails.
    function test_Sweepable_ZeroWhenBalanceCannotCoverIt() public {
        ShrinkingToken shrinking = new ShrinkingToken();
        PodiumDistributor d =
            new PodiumDistributor(shrinking, funder, committee, start, DURATION, 1, BUDGET, ROOT_DELAY, CLAIM_WINDOW);
        shrinking.mint(funder, 100e18);
        vm.startPrank(funder);
        shrinking.approve(address(d), 100e18);
        d.fund(100e18);
        vm.stopPrank();
        vm.warp(start + DURATION);
        vm.prank(committee);
        d.postRoot(1, bytes32(0), 0, "");
        vm.warp(block.timestamp + ROOT_DELAY);
        assertEq(d.sweepable(), 100e18);
        shrinking.shrink(address(d), 1);
        assertEq(d.sweepable(), 0);
        vm.expectRevert();
        d.sweep();
        shrinking.mint(address(d), 1);
        assertEq(d.sweepable(), 100e18, "exactly the balance is enough");
        d.sweep();
        assertEq(shrinking.balanceOf(funder), 100e18);
    }

    /// For any total below what the tree's leaves add up to, claiming every leaf in any order pays at most
    /// the total, and each refusal names what was left.
    function testFuzz_RoundNeverPaysMoreThanTotal(uint256 total, uint256 seed) public {
        _fund(3 * BUDGET);
        uint256 n = 6;
        address[] memory accounts = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        uint256 sum;
        for (uint256 i = 0; i < n; ++i) {
            accounts[i] = vm.addr(0xF00 + i);
            amounts[i] = 1 + uint256(keccak256(abi.encode(seed, i))) % 2000e18;
            sum += amounts[i];
        }
        total = bound(total, 1, sum < BUDGET ? sum : BUDGET);
        bytes32 root = _tree(1, accounts, amounts);
        vm.warp(_endOf(1));
        vm.prank(committee);
        distributor.postRoot(1, root, total, "");
        vm.warp(block.timestamp + ROOT_DELAY);
        uint256 paid;
        for (uint256 k = 0; k < n; ++k) {
            uint256 i = (k + seed % n) % n;
            if (amounts[i] > total - paid) {
                vm.expectRevert(
                    abi.encodeWithSelector(IPodiumDistributor.RoundTotalExceeded.selector, 1, amounts[i], total - paid)
                );
                _claim(1, i);
            } else {
                _claim(1, i);
                paid += amounts[i];
            }
        }
        assertLe(paid, total);
        assertEq(distributor.roundState(1).paid, paid);
        assertEq(distributor.outstanding(), total - paid);
        assertEq(token.balanceOf(address(distributor)), 3 * BUDGET - paid);
    }

    function test_RoundNeverPaysMoreThanTotal_Fixed() public {
        testFuzz_RoundNeverPaysMoreThanTotal(3000e18, 1);
    }
}
