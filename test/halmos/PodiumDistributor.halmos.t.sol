// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../../contracts/interfaces/IPodiumDistributor.sol";
import {TestToken} from "../../contracts/test/TestToken.sol";
import {MerkleTreeBuilder} from "../helpers/MerkleTreeBuilder.sol";
import {FeeToken} from "../mocks/FeeToken.sol";
import {Test} from "../utils/Test.sol";

/// @notice Symbolic proofs of the distributor's money properties, run by halmos (tools/halmos.sh, in
/// `make test`). Every parameter of a `check_` function is symbolic: halmos proves the assertions for every
/// value, not for samples. Roots are symbolic too, so a claim's proof may be any proof under any tree.
///
/// Bounds (what "every" covers): a program of 2 rounds; proofs of 0 or 1 sibling (a symbolic root makes
/// every leaf provable with these, so tree size does not matter to the properties); batches of 2 claims;
/// at most 3 claims per property. Everything else (amounts, indexes, accounts, callers, times, totals,
/// funding) ranges over its whole type, within the contract's own limits.
contract PodiumDistributorHalmosTest is Test {
    uint256 internal constant START = 1000;
    uint256 internal constant DURATION = 100;
    uint256 internal constant ROUNDS = 2;
    uint256 internal constant BUDGET = 7000e18;
    uint256 internal constant ROOT_DELAY = 10;
    uint256 internal constant CLAIM_WINDOW = 1000;
    uint256 internal constant PROGRAM_END = START + ROUNDS * DURATION;
    uint256 internal constant CLAIM_DEADLINE = PROGRAM_END + CLAIM_WINDOW;
    uint256 internal constant POSTING_DEADLINE = CLAIM_DEADLINE - ROOT_DELAY;

    address internal constant FUNDER = address(0xF00D);
    address internal constant COMMITTEE = address(0xC0C0);

    TestToken internal token;
    PodiumDistributor internal d;

    function setUp() public {
        vm.warp(START - 1);
        token = new TestToken();
        d = new PodiumDistributor(token, FUNDER, COMMITTEE, START, DURATION, ROUNDS, BUDGET, ROOT_DELAY, CLAIM_WINDOW);
    }

    // ---- helpers ----
    //
    // halmos drops a path on which the test itself reverts instead of reporting it, so nothing after the
    // call under test may revert: differences are taken with `_sub` and views are read through the helpers
    // below, which turn a revert (a view must never revert) into a failed assertion.

    function _sub(uint256 a, uint256 b) internal pure returns (uint256) {
        assert(a >= b);
        return a - b;
    }

    function _state(uint256 round) internal view returns (IPodiumDistributor.RoundState memory) {
        try d.roundState(round) returns (IPodiumDistributor.RoundState memory s) {
            return s;
        } catch {
            assert(false);
        }
    }

    function _sweepable(PodiumDistributor target) internal view returns (uint256) {
        try target.sweepable() returns (uint256 amount) {
            return amount;
        } catch {
            assert(false);
        }
    }

    function _unallocated(PodiumDistributor target) internal view returns (uint256) {
        try target.unallocated() returns (uint256 amount) {
            return amount;
        } catch {
            assert(false);
        }
    }

    function _fund(uint256 amount) internal {
        token.mint(FUNDER, amount);
        vm.prank(FUNDER);
        token.approve(address(d), amount);
        vm.prank(FUNDER);
        d.fund(amount);
    }

    /// @dev Funds both rounds' budgets, posts `root` with `total` for round 1 and an unrelated root for
    /// round 2, and moves to when both are valid.
    function _program(bytes32 root, uint256 total) internal {
        _fund(2 * BUDGET);
        vm.warp(PROGRAM_END);
        vm.prank(COMMITTEE);
        d.postRoot(1, root, total, "");
        vm.prank(COMMITTEE);
        d.postRoot(2, keccak256("round 2"), BUDGET, "");
        vm.warp(PROGRAM_END + ROOT_DELAY);
    }

    function _proof(bytes32 sibling, bool empty) internal pure returns (bytes32[] memory proof) {
        if (empty) return new bytes32[](0);
        proof = new bytes32[](1);
        proof[0] = sibling;
    }

    function _claimCall(uint256 round, uint256 index, address account, uint256 amount, bytes32[] memory proof)
        internal
        returns (bool ok)
    {
        (ok,) = address(d).call(abi.encodeCall(IPodiumDistributor.claim, (round, index, account, amount, proof)));
    }

    // ------------------------------------------------------------------------------------------------
    // A leaf is never paid twice
    // ------------------------------------------------------------------------------------------------

    /// Once a leaf (round, index) has been paid, no claim of that leaf succeeds again, whatever account,
    /// amount or proof it carries.
    function check_LeafNeverPaidTwice(
        bytes32 root,
        uint256 round,
        uint256 index,
        address account,
        uint256 amount,
        bytes32 sibling,
        bool empty,
        address account2,
        uint256 amount2,
        bytes32 sibling2,
        bool empty2
    ) public {
        _program(root, BUDGET);
        vm.assume(_claimCall(round, index, account, amount, _proof(sibling, empty)));
        assert(d.isClaimed(round, index));
        assert(!_claimCall(round, index, account2, amount2, _proof(sibling2, empty2)));
    }

    /// A batch that lists the same leaf twice fails whole, through claimMany and claimTo alike.
    function check_LeafNeverPaidTwiceInOneBatch(
        bytes32 root,
        address account,
        uint256 round,
        uint256 index,
        uint256 amount,
        bytes32 sibling,
        uint256 amount2,
        bytes32 sibling2,
        bool viaClaimTo
    ) public {
        _program(root, BUDGET);
        IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](2);
        claims[0] = IPodiumDistributor.Claim(round, index, amount, _proof(sibling, false));
        claims[1] = IPodiumDistributor.Claim(round, index, amount2, _proof(sibling2, false));
        bool ok;
        if (viaClaimTo) {
            vm.prank(account);
            (ok,) = address(d).call(abi.encodeCall(IPodiumDistributor.claimTo, (account, claims)));
        } else {
            (ok,) = address(d).call(abi.encodeCall(IPodiumDistributor.claimMany, (account, claims)));
        }
        assert(!ok);
        assert(!d.isClaimed(round, index));
    }

    // ------------------------------------------------------------------------------------------------
    // A round never pays more than its total
    // ------------------------------------------------------------------------------------------------

    /// Proven by induction over claims, so it holds after any number of them: from any state in which round
    /// 1 has paid `paid <= total` (set directly in storage), one claim or a two-claim batch, each with any
    /// inputs under any tree, leaves the round at paid' <= total, with paid' - paid exactly what left the
    /// contract. Round 2's counter does not move.
    function check_RoundNeverPaysMoreThanTotal(
        bytes32 root,
        uint256 total,
        uint256 paid,
        address account,
        bool batch,
        uint256[2] memory index,
        uint256[2] memory amount,
        bytes32[2] memory sibling
    ) public {
        vm.assume(root != bytes32(0) && total != 0 && total <= BUDGET && paid <= total);
        // A leaf paying the distributor itself moves no tokens (its paid counter still counts it).
        vm.assume(account != address(d));
        _program(root, total);
        _setPaid(1, paid);
        uint256 before = token.balanceOf(address(d));
        if (batch) {
            IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](2);
            claims[0] = IPodiumDistributor.Claim(1, index[0], amount[0], _proof(sibling[0], false));
            claims[1] = IPodiumDistributor.Claim(1, index[1], amount[1], _proof(sibling[1], false));
            (bool ok,) = address(d).call(abi.encodeCall(IPodiumDistributor.claimMany, (account, claims)));
            ok; // either outcome: the assertions below hold both ways
        } else {
            _claimCall(1, index[0], account, amount[0], _proof(sibling[0], false));
        }
        uint256 out = _sub(before, token.balanceOf(address(d)));
        IPodiumDistributor.RoundState memory s = _state(1);
        assert(s.paid <= total);
        assert(s.paid == paid + out);
        assert(s.left == total - s.paid);
        assert(_state(2).paid == 0);
    }

    /// @dev Sets `round`'s paid counter in storage (slot 1 of `_rounds[round]`, bits 136..231; the layout
    /// test_StorageLayout_RoundSecondSlot pins).
    function _setPaid(uint256 round, uint256 paid) internal {
        bytes32 slot = bytes32(uint256(keccak256(abi.encode(round, uint256(5)))) + 1);
        uint256 books = uint256(vm.load(address(d), slot));
        books = (books & ~(uint256(type(uint96).max) << 136)) | (paid << 136);
        vm.store(address(d), slot, bytes32(books));
        assert(_state(round).paid == paid);
    }

    // ------------------------------------------------------------------------------------------------
    // A claim pays only the leaf's account
    // ------------------------------------------------------------------------------------------------

    /// Round 1's tree holds a leaf of `owner`. Whoever calls claim(), for whatever account: if it succeeds,
    /// the account was the owner and only the owner's balance grew, by the leaf's amount.
    function check_ClaimPaysOnlyTheLeafsAccount(
        uint256 index,
        address owner,
        uint256 amount,
        bytes32 sibling,
        bool empty,
        address caller,
        address account,
        address other
    ) public {
        bytes32 leaf = MerkleTreeBuilder.leaf(1, index, owner, amount);
        _program(empty ? leaf : MerkleTreeBuilder.hashPair(leaf, sibling), BUDGET);
        vm.assume(other != owner && other != address(d));
        uint256 ownerBefore = token.balanceOf(owner);
        uint256 otherBefore = token.balanceOf(other);
        vm.prank(caller);
        if (_claimCall(1, index, account, amount, _proof(sibling, empty))) {
            assert(account == owner);
            assert(token.balanceOf(owner) == ownerBefore + amount || owner == address(d));
            assert(token.balanceOf(other) == otherBefore);
        }
    }

    /// The same through claimMany(account, claims): paid to the named account only if it owns the leaf.
    function check_ClaimManyPaysOnlyTheLeafsAccount(
        uint256 index,
        address owner,
        uint256 amount,
        address caller,
        address account,
        address other
    ) public {
        _program(MerkleTreeBuilder.leaf(1, index, owner, amount), BUDGET);
        vm.assume(other != owner && other != address(d));
        IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](1);
        claims[0] = IPodiumDistributor.Claim(1, index, amount, new bytes32[](0));
        uint256 otherBefore = token.balanceOf(other);
        vm.prank(caller);
        (bool ok,) = address(d).call(abi.encodeCall(IPodiumDistributor.claimMany, (account, claims)));
        if (ok) {
            assert(account == owner);
            assert(token.balanceOf(other) == otherBefore);
        }
    }

    /// claimTo(recipient, claims) succeeds only when the caller owns the leaf, and then pays the recipient
    /// the caller chose, and nobody else.
    function check_ClaimToPaysOnlyTheOwnersRecipient(
        uint256 index,
        address owner,
        uint256 amount,
        address caller,
        address recipient,
        address other
    ) public {
        _program(MerkleTreeBuilder.leaf(1, index, owner, amount), BUDGET);
        vm.assume(other != recipient && other != address(d));
        vm.assume(recipient != address(d));
        IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](1);
        claims[0] = IPodiumDistributor.Claim(1, index, amount, new bytes32[](0));
        uint256 recipientBefore = token.balanceOf(recipient);
        uint256 otherBefore = token.balanceOf(other);
        vm.prank(caller);
        (bool ok,) = address(d).call(abi.encodeCall(IPodiumDistributor.claimTo, (recipient, claims)));
        if (ok) {
            assert(caller == owner);
            assert(token.balanceOf(recipient) == recipientBefore + amount);
            assert(token.balanceOf(other) == otherBefore);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // sweep pays only the funder, never early, and never owed money before the deadline
    // ------------------------------------------------------------------------------------------------

    /// Any funding, any totals for either round (round 2 posted or not), any amount already claimed from
    /// round 1, stray tokens, any caller, any time: a sweep that succeeds pays the funder only, after the
    /// program end, and before the claim deadline no more than the funding no root was given. What it sends
    /// is what sweepable() said, and sweepable() is 0 when it fails.
    function check_SweepPaysOnlyTheFunder(
        uint256 funding,
        uint256 total1,
        uint256 claimed,
        uint256 total2,
        bool post2,
        uint256 stray,
        uint256 when,
        address caller,
        address other
    ) public {
        vm.assume(funding != 0 && funding <= 2 * BUDGET);
        vm.assume(total1 != 0 && total1 <= BUDGET && total2 <= BUDGET && total1 + total2 <= funding);
        vm.assume(claimed <= total1 && stray <= BUDGET);
        _fund(funding);
        vm.warp(PROGRAM_END);
        vm.prank(COMMITTEE);
        d.postRoot(1, keccak256("round 1"), total1, "");
        if (post2) {
            vm.prank(COMMITTEE);
            d.postRoot(2, total2 == 0 ? bytes32(0) : keccak256("round 2"), total2, "");
        }
        vm.warp(PROGRAM_END + ROOT_DELAY);
        // Claims of round 1 have paid `claimed` (check_RoundNeverPaysMoreThanTotal proves a claim does
        // exactly this): the tokens left and the counter says so.
        vm.prank(address(d));
        assert(token.transfer(address(0xC1A1), claimed));
        _setPaid(1, claimed);
        token.mint(address(d), stray);

        vm.assume(when >= block.timestamp && when < 2 ** 40);
        vm.warp(when);
        vm.assume(other != FUNDER && other != address(d));
        uint256 funderBefore = token.balanceOf(FUNDER);
        uint256 otherBefore = token.balanceOf(other);
        uint256 heldBefore = token.balanceOf(address(d));
        uint256 unallocatedBefore = _unallocated(d);
        uint256 promised = _sweepable(d);
        vm.prank(caller);
        (bool ok,) = address(d).call(abi.encodeCall(IPodiumDistributor.sweep, ()));
        if (ok) {
            uint256 sent = _sub(token.balanceOf(FUNDER), funderBefore);
            assert(when >= PROGRAM_END);
            assert(sent == _sub(heldBefore, token.balanceOf(address(d))));
            assert(token.balanceOf(other) == otherBefore);
            if (when < CLAIM_DEADLINE) assert(sent <= unallocatedBefore);
            assert(sent == promised);
        } else {
            assert(promised == 0);
        }
    }

    /// Before the program ends, sweep() fails for anyone, whatever the books.
    function check_SweepNeverBeforeProgramEnd(uint256 funding, uint256 stray, uint256 when, address caller) public {
        vm.assume(funding != 0 && funding <= 2 * BUDGET && stray <= BUDGET);
        _fund(funding);
        token.mint(address(d), stray);
        vm.assume(when >= block.timestamp && when < PROGRAM_END);
        vm.warp(when);
        assert(_sweepable(d) == 0);
        vm.prank(caller);
        (bool ok,) = address(d).call(abi.encodeCall(IPodiumDistributor.sweep, ()));
        assert(!ok);
    }

    // ------------------------------------------------------------------------------------------------
    // Funding grows the books by what arrived, and only funding does
    // ------------------------------------------------------------------------------------------------

    /// fund(amount) from anyone, with a plain token or one that takes a fee: the books grow by exactly what
    /// arrived, the allocated and swept figures do not move.
    function check_FundingGrowsBooksByWhatArrived(uint256 amount, address from, uint256 when, bool withFee) public {
        PodiumDistributor target = d;
        if (withFee) {
            FeeToken fee = new FeeToken();
            target = new PodiumDistributor(
                fee, FUNDER, COMMITTEE, START, DURATION, ROUNDS, BUDGET, ROOT_DELAY, CLAIM_WINDOW
            );
            fee.mint(from, amount);
            vm.prank(from);
            fee.approve(address(target), amount);
        } else {
            token.mint(from, amount);
            vm.prank(from);
            token.approve(address(target), amount);
        }
        vm.assume(from != address(target));
        vm.assume(when >= block.timestamp && when < 2 ** 40);
        vm.warp(when);
        uint256 heldBefore = target.TOKEN().balanceOf(address(target));
        uint256 fundedBefore = target.totalFunded();
        uint256 unallocatedBefore = _unallocated(target);
        vm.prank(from);
        (bool ok,) = address(target).call(abi.encodeCall(IPodiumDistributor.fund, (amount)));
        uint256 arrived = _sub(target.TOKEN().balanceOf(address(target)), heldBefore);
        if (ok) {
            assert(when < POSTING_DEADLINE);
            assert(arrived != 0);
            assert(target.totalFunded() == fundedBefore + arrived);
            assert(_unallocated(target) == unallocatedBefore + arrived);
        } else {
            assert(arrived == 0 && target.totalFunded() == fundedBefore);
        }
        assert(target.totalAllocated() == 0 && target.unallocatedSwept() == 0);
    }

    /// Tokens sent by plain transfer are not funding: the books do not move.
    function check_StrayTransferIsNotFunding(uint256 amount, address from) public {
        vm.assume(from != address(d));
        token.mint(from, amount);
        uint256 fundedBefore = d.totalFunded();
        vm.prank(from);
        assert(token.transfer(address(d), amount));
        assert(d.totalFunded() == fundedBefore);
        assert(_unallocated(d) == fundedBefore);
        assert(_sweepable(d) == 0);
    }
}
