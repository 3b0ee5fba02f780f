// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PodiumDistributor} from "../../../contracts/PodiumDistributor.sol";
import {IPodiumDistributor} from "../../../contracts/interfaces/IPodiumDistributor.sol";
import {MerkleTreeBuilder} from "../../helpers/MerkleTreeBuilder.sol";
import {TrackingToken} from "../../mocks/TrackingToken.sol";
import {Test} from "../../utils/Test.sol";

/// @notice Drives the distributor through its whole life with bounded inputs: funding, stray transfers,
/// time, honest roots, revocations, claims of every form (including repeats that must fail) and sweeps.
/// Ghost variables record what should have happened, for the invariants to compare with the chain.
contract DistributorHandler is Test {
    using MerkleTreeBuilder for MerkleTreeBuilder.Tree;

    PodiumDistributor public immutable distributor;
    TrackingToken public immutable token;
    address public immutable funder;
    address public immutable committee;
    uint256 public immutable roundCount;
    uint256 public immutable budget;

    address[] public actors;

    struct Round {
        bool posted;
        uint256 total;
        address[] accounts;
        uint256[] amounts;
        bytes32[] nodes;
        uint256[] positions;
    }

    mapping(uint256 round => Round) internal _rounds;

    // ---- ghosts ----
    uint256 public ghostFunded;
    uint256 public ghostStray;
    uint256 public ghostPaidTotal;
    uint256 public ghostSwept;
    uint256 public ghostSweptBeforeDeadline;
    mapping(uint256 round => uint256 paid) public ghostPaid;
    mapping(uint256 round => mapping(uint256 index => uint256 count)) public ghostPayCount;
    /// @dev Set if any leaf was paid twice or a sweep before the deadline left less than was owed.
    bool public doublePaid;
    bool public sweptOwedMoney;
    /// @dev The first thing the handler saw that an honest run must never show (empty if none).
    string public surprise;

    // ---- call counters (printed by the invariant test to show coverage) ----
    mapping(string name => uint256 count) public calls;

    constructor(PodiumDistributor distributor_, TrackingToken token_, address funder_, address committee_) {
        distributor = distributor_;
        token = token_;
        funder = funder_;
        committee = committee_;
        roundCount = distributor_.ROUND_COUNT();
        budget = distributor_.ROUND_BUDGET();
        for (uint256 i = 0; i < 8; ++i) {
            actors.push(makeAddr(string.concat("actor", vm.toString(i))));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // actions
    // ------------------------------------------------------------------------------------------------

    function fund(uint256 amount) external {
        (,,,, uint256 postingDeadline,,,) = distributor.timeline();
        if (block.timestamp >= postingDeadline) return;
        amount = bound(amount, 1, 2 * budget);
        token.mint(funder, amount);
        vm.startPrank(funder);
        token.approve(address(distributor), amount);
        distributor.fund(amount);
        vm.stopPrank();
        ghostFunded += amount;
        ++calls["fund"];
    }

    function strayTransfer(uint256 actorSeed, uint256 amount) external {
        amount = bound(amount, 1, 1000e18);
        address from = actors[actorSeed % actors.length];
        token.mint(from, amount);
        vm.prank(from);
        bool sent = token.transfer(address(distributor), amount);
        _expect(sent, "handler: stray transfer failed");
        ghostStray += amount;
        ++calls["stray"];
    }

    function warp(uint256 secondsForward) external {
        vm.warp(block.timestamp + bound(secondsForward, 1 hours, 2 days));
        ++calls["warp"];
    }

    function postRoot(uint256 roundSeed, uint256 n, uint256 seed) external {
        uint256 round = bound(roundSeed, 1, roundCount);
        (, uint256 endsAt) = distributor.roundWindow(round);
        (,,,, uint256 postingDeadline,,,) = distributor.timeline();
        if (block.timestamp < endsAt || block.timestamp >= postingDeadline || _rounds[round].posted) return;
        uint256 available = distributor.unallocated();
        if (available > budget) available = budget;

        Round storage r = _rounds[round];
        delete r.accounts;
        delete r.amounts;
        bytes32 root;
        uint256 total;
        n = bound(n, 0, actors.length);
        if (n == 0 || available < n) {
            // An empty round: closed with root 0.
            delete r.nodes;
            delete r.positions;
        } else {
            bytes32[] memory leaves = new bytes32[](n);
            uint256 first = seed % actors.length;
            for (uint256 i = 0; i < n; ++i) {
                // Distinct accounts per round; amounts sum to at most `available`.
                address account = actors[(first + i) % actors.length];
                uint256 amount = 1 + uint256(keccak256(abi.encode(seed, i))) % (available / n);
                r.accounts.push(account);
                r.amounts.push(amount);
                total += amount;
                leaves[i] = MerkleTreeBuilder.leaf(round, i, account, amount);
            }
            MerkleTreeBuilder.Tree memory tree = MerkleTreeBuilder.build(leaves);
            r.nodes = tree.nodes;
            r.positions = tree.position;
            root = tree.root();
        }
        vm.prank(committee);
        distributor.postRoot(round, root, total, "ipfs://handler");
        r.posted = true;
        r.total = total;
        ++calls["postRoot"];
    }

    function revokeRoot(uint256 roundSeed, bool byFunder) external {
        uint256 round = bound(roundSeed, 1, roundCount);
        uint256 validAt = distributor.roundState(round).validAt;
        if (validAt == 0 || block.timestamp >= validAt) return;
        vm.prank(byFunder ? funder : committee);
        distributor.revokeRoot(round);
        Round storage r = _rounds[round];
        _expect(ghostPaid[round] == 0, "handler: a pending root was claimed from");
        r.posted = false;
        r.total = 0;
        ++calls["revokeRoot"];
    }

    function claim(uint256 roundSeed, uint256 leafSeed) external {
        uint256 round = bound(roundSeed, 1, roundCount);
        Round storage r = _rounds[round];
        if (!_claimable(round) || r.accounts.length == 0) return;
        uint256 index = leafSeed % r.accounts.length;
        address account = r.accounts[index];
        uint256 amount = r.amounts[index];
        bool already = distributor.isClaimed(round, index);
        uint256 before = token.balanceOf(account);
        try distributor.claim(round, index, account, amount, _proof(round, index)) {
            _expect(token.balanceOf(account) - before == amount, "handler: claim paid the wrong amount");
            _paid(round, index, amount);
            if (already) doublePaid = true;
            ++calls["claim"];
        } catch (bytes memory err) {
            // The only acceptable failure of an honest claim is a repeat.
            _expect(already, "handler: an honest claim failed");
            _expect(
                keccak256(err)
                    == keccak256(abi.encodeWithSelector(IPodiumDistributor.AlreadyClaimed.selector, round, index)),
                "handler: a repeated claim failed for the wrong reason"
            );
            ++calls["claimRepeatRejected"];
        }
    }

    /// @dev Claims every claimable leaf of one actor in one batch, to itself or (claimTo) to another
    /// actor; with `repeat`, the first leaf is listed twice and the whole batch must fail.
    function claimBatch(uint256 actorSeed, uint256 recipientSeed, bool useClaimTo, bool repeat) external {
        address account = actors[actorSeed % actors.length];
        address recipient = useClaimTo ? actors[recipientSeed % actors.length] : account;
        IPodiumDistributor.Claim[] memory buf = new IPodiumDistributor.Claim[](roundCount + 1);
        uint256 n;
        uint256 sum;
        for (uint256 round = 1; round <= roundCount; ++round) {
            if (!_claimable(round)) continue;
            Round storage r = _rounds[round];
            for (uint256 i = 0; i < r.accounts.length; ++i) {
                if (r.accounts[i] != account || distributor.isClaimed(round, i)) continue;
                buf[n++] = IPodiumDistributor.Claim(round, i, r.amounts[i], _proof(round, i));
                sum += r.amounts[i];
            }
        }
        if (n == 0) return;
        if (repeat) buf[n++] = buf[0];
        IPodiumDistributor.Claim[] memory claims = new IPodiumDistributor.Claim[](n);
        for (uint256 k = 0; k < n; ++k) {
            claims[k] = buf[k];
        }
        uint256 before = token.balanceOf(recipient);
        try this.submitBatch(useClaimTo, account, recipient, claims) {
            if (repeat) doublePaid = true;
            _expect(token.balanceOf(recipient) - before == sum, "handler: batch paid the wrong amount");
            for (uint256 k = 0; k < n; ++k) {
                _paid(claims[k].round, claims[k].index, claims[k].amount);
            }
            ++calls[useClaimTo ? "claimTo" : "claimMany"];
        } catch (bytes memory err) {
            _expect(repeat, "handler: an honest batch failed");
            _expect(
                keccak256(err)
                    == keccak256(
                        abi.encodeWithSelector(
                            IPodiumDistributor.AlreadyClaimed.selector, claims[0].round, claims[0].index
                        )
                    ),
                "handler: a repeated batch failed for the wrong reason"
            );
            ++calls["batchRepeatRejected"];
        }
    }

    /// @dev External so the batch can be tried and its revert caught; the prank set before applies here.
    function submitBatch(
        bool useClaimTo,
        address account,
        address recipient,
        IPodiumDistributor.Claim[] calldata claims
    ) external {
        require(msg.sender == address(this), "handler: internal");
        if (useClaimTo) {
            vm.prank(account);
            distributor.claimTo(recipient, claims);
        } else {
            distributor.claimMany(account, claims);
        }
    }

    function sweep(uint256 callerSeed) external {
        uint256 expected = distributor.sweepable();
        uint256 before = token.balanceOf(funder);
        (,,,,, uint256 claimDeadline,,) = distributor.timeline();
        vm.prank(actors[callerSeed % actors.length]);
        try distributor.sweep() {
            uint256 amount = token.balanceOf(funder) - before;
            _expect(amount == expected && amount > 0, "handler: sweep sent other than sweepable()");
            ghostSwept += amount;
            if (block.timestamp < claimDeadline) {
                ghostSweptBeforeDeadline += amount;
                if (token.balanceOf(address(distributor)) < owed()) sweptOwedMoney = true;
            }
            ++calls["sweep"];
        } catch {
            _expect(expected == 0, "handler: sweep failed although sweepable() > 0");
            ++calls["sweepRejected"];
        }
    }

    // ------------------------------------------------------------------------------------------------
    // views for the invariants
    // ------------------------------------------------------------------------------------------------

    /// @dev What claimants are still owed: the unpaid part of every posted root.
    function owed() public view returns (uint256 sum) {
        for (uint256 round = 1; round <= roundCount; ++round) {
            if (_rounds[round].posted) sum += _rounds[round].total - ghostPaid[round];
        }
    }

    function allocated() external view returns (uint256 sum) {
        for (uint256 round = 1; round <= roundCount; ++round) {
            if (_rounds[round].posted) sum += _rounds[round].total;
        }
    }

    function roundTotal(uint256 round) external view returns (uint256) {
        return _rounds[round].total;
    }

    function leafCount(uint256 round) external view returns (uint256) {
        return _rounds[round].accounts.length;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    // ------------------------------------------------------------------------------------------------
    // internals
    // ------------------------------------------------------------------------------------------------

    function _claimable(uint256 round) internal view returns (bool) {
        (,,,,, uint256 claimDeadline,,) = distributor.timeline();
        uint256 validAt = distributor.roundState(round).validAt;
        return _rounds[round].posted && validAt != 0 && block.timestamp >= validAt && block.timestamp < claimDeadline;
    }

    function _proof(uint256 round, uint256 index) internal view returns (bytes32[] memory) {
        MerkleTreeBuilder.Tree memory tree = MerkleTreeBuilder.Tree(_rounds[round].nodes, _rounds[round].positions);
        return tree.proof(index);
    }

    /// @dev Records a surprise instead of reverting: with try/catch around the calls, a revert here
    /// could be mistaken for the expected failure of the call under test.
    function _expect(bool condition, string memory what) internal {
        if (!condition && bytes(surprise).length == 0) surprise = what;
    }

    function _paid(uint256 round, uint256 index, uint256 amount) internal {
        ghostPaid[round] += amount;
        ghostPaidTotal += amount;
        if (++ghostPayCount[round][index] > 1) doublePaid = true;
    }
}
