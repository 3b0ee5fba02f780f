// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPodiumDistributor} from "./interfaces/IPodiumDistributor.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title PodiumDistributor
/// @notice Weekly Merkle rewards: one root per ended round, cheap claims, leftovers back to the funder.
/// @dev The claim path reads the round's root and its packed second slot, sets one bitmap bit per leaf, adds
/// the amount to the round's paid counter (a rewrite of the slot it already read) and makes one token
/// transfer. Solvency is checked when a root is posted, against funding recorded by fund() when it arrives;
/// the paid counter keeps each round within its own total, so a wrong tree can only misdirect its own round.
contract PodiumDistributor is IPodiumDistributor, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Per round: slot 0 the root; slot 1 the total, validity time, paid counter and revocation count,
    /// packed (96 + 40 + 96 + 24 bits); slot 2 the uri. The claim path reads slots 0 and 1 and rewrites
    /// slot 1. A root is posted iff `validAt != 0`, so an empty round closed with root 0 still counts as
    /// posted; it was posted at `validAt - ROOT_DELAY`. `paid <= total` always (claims check it), and both
    /// fit 96 bits because `total <= ROUND_BUDGET <= type(uint96).max`.
    struct RoundData {
        bytes32 root;
        uint96 total;
        uint40 validAt;
        uint96 paid;
        uint24 revocations;
        string uri;
    }

    /// @dev Where solc packs `validAt` and `paid` in a round's second slot (after the 96-bit total, and
    /// after total and the 40-bit validAt); the claim path reads and writes that slot whole. A test reads
    /// the slot back through `vm.load` to pin this layout.
    uint256 private constant _VALID_AT_OFFSET = 96;
    uint256 private constant _PAID_OFFSET = 136;

    /// @inheritdoc IPodiumDistributor
    uint256 public constant MAX_ROUNDS = 1000;

    /// @inheritdoc IPodiumDistributor
    IERC20 public immutable TOKEN;
    /// @inheritdoc IPodiumDistributor
    address public immutable FUNDER;
    /// @inheritdoc IPodiumDistributor
    uint256 public immutable PROGRAM_START;
    /// @inheritdoc IPodiumDistributor
    uint256 public immutable ROUND_DURATION;
    /// @inheritdoc IPodiumDistributor
    uint256 public immutable ROUND_COUNT;
    /// @inheritdoc IPodiumDistributor
    uint256 public immutable ROUND_BUDGET;
    /// @inheritdoc IPodiumDistributor
    uint256 public immutable ROOT_DELAY;
    /// @inheritdoc IPodiumDistributor
    uint256 public immutable CLAIM_WINDOW;

    uint256 private immutable _PROGRAM_END;
    uint256 private immutable _POSTING_DEADLINE;
    uint256 private immutable _CLAIM_DEADLINE;

    /// @inheritdoc IPodiumDistributor
    address public committee;
    /// @inheritdoc IPodiumDistributor
    address public pendingCommittee;

    /// @inheritdoc IPodiumDistributor
    uint256 public totalFunded;
    /// @inheritdoc IPodiumDistributor
    uint256 public totalAllocated;
    /// @inheritdoc IPodiumDistributor
    uint256 public unallocatedSwept;

    mapping(uint256 round => RoundData data) private _rounds;
    mapping(uint256 round => mapping(uint256 wordIndex => uint256 bits)) private _claimedBitmap;

    /// @param token The token paid out.
    /// @param funder Receives everything sweep() sends; may revoke pending roots.
    /// @param initialCommittee Posts roots.
    /// @param programStart Start of round 1; not before the deployment block.
    /// @param roundDuration Seconds per round.
    /// @param roundCount Number of rounds (1..MAX_ROUNDS).
    /// @param roundBudget The most one round's root may pay.
    /// @param rootDelay Seconds from posting a root to its becoming claimable.
    /// @param claimWindow Seconds claims stay open after the program ends; longer than `rootDelay`.
    constructor(
        IERC20 token,
        address funder,
        address initialCommittee,
        uint256 programStart,
        uint256 roundDuration,
        uint256 roundCount,
        uint256 roundBudget,
        uint256 rootDelay,
        uint256 claimWindow
    ) {
        if (address(token) == address(0)) revert ZeroAddressToken();
        if (funder == address(0)) revert ZeroAddressFunder();
        if (initialCommittee == address(0)) revert ZeroAddressCommittee();
        if (roundDuration == 0) revert ZeroDuration();
        if (roundCount == 0) revert ZeroRoundCount();
        if (roundCount > MAX_ROUNDS) revert TooManyRounds(roundCount, MAX_ROUNDS);
        if (roundBudget == 0) revert ZeroBudget();
        if (roundBudget > type(uint96).max) revert BudgetTooLarge(roundBudget, type(uint96).max);
        if (programStart < block.timestamp) revert StartInPast(programStart, block.timestamp);
        if (claimWindow <= rootDelay) revert ClaimWindowTooShort(claimWindow, rootDelay);
        // Timestamps are stored in 40 bits; reject a timeline that would not fit. Each term is checked
        // first so the sum cannot overflow (roundCount <= MAX_ROUNDS).
        uint256 maxTimestamp = type(uint40).max;
        uint256 deadline = programStart > maxTimestamp || roundDuration > maxTimestamp || claimWindow > maxTimestamp
            ? type(uint256).max
            : programStart + roundDuration * roundCount + claimWindow;
        if (deadline > maxTimestamp) revert TimelineTooLong(deadline, maxTimestamp);

        TOKEN = token;
        FUNDER = funder;
        committee = initialCommittee;
        PROGRAM_START = programStart;
        ROUND_DURATION = roundDuration;
        ROUND_COUNT = roundCount;
        ROUND_BUDGET = roundBudget;
        ROOT_DELAY = rootDelay;
        CLAIM_WINDOW = claimWindow;
        uint256 programEnd = programStart + roundDuration * roundCount;
        _PROGRAM_END = programEnd;
        _CLAIM_DEADLINE = programEnd + claimWindow;
        _POSTING_DEADLINE = programEnd + claimWindow - rootDelay;
    }

    // ------------------------------------------------------------------------------------------------
    // Committee
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IPodiumDistributor
    function proposeCommittee(address proposed) external {
        if (msg.sender != committee) revert NotCommittee(msg.sender);
        // Zero is allowed on purpose: it cancels a proposal (nobody can accept as address(0)).
        // slither-disable-next-line missing-zero-check
        pendingCommittee = proposed;
        emit CommitteeProposed(msg.sender, proposed);
    }

    /// @inheritdoc IPodiumDistributor
    function acceptCommittee() external {
        if (msg.sender != pendingCommittee) revert NotPendingCommittee(msg.sender);
        address previous = committee;
        committee = msg.sender;
        pendingCommittee = address(0);
        emit CommitteeChanged(previous, msg.sender);
    }

    // ------------------------------------------------------------------------------------------------
    // Funding
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IPodiumDistributor
    function fund(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (block.timestamp >= _POSTING_DEADLINE) revert FundingClosed(_POSTING_DEADLINE);
        // Credit what actually arrived, so a token that takes a fee cannot make funding look larger.
        uint256 before = TOKEN.balanceOf(address(this));
        TOKEN.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = TOKEN.balanceOf(address(this)) - before;
        // Exactly zero is the case to refuse (a token that delivered nothing); any other amount is credited.
        // slither-disable-next-line incorrect-equality
        if (received == 0) revert ZeroAmount();
        uint256 funded = totalFunded + received;
        totalFunded = funded;
        emit Funded(msg.sender, received, funded);
    }

    // ------------------------------------------------------------------------------------------------
    // Roots
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IPodiumDistributor
    function postRoot(uint256 round, bytes32 root, uint256 total, string calldata uri) external {
        if (msg.sender != committee) revert NotCommittee(msg.sender);
        uint256 endsAt = _roundEnd(round);
        if (block.timestamp < endsAt) revert RoundNotEnded(round, endsAt);
        if (block.timestamp >= _POSTING_DEADLINE) revert PostingClosed(_POSTING_DEADLINE);
        RoundData storage data = _rounds[round];
        if (data.validAt != 0) revert RootAlreadyPosted(round, data.root, data.validAt);
        if (total > ROUND_BUDGET) revert TotalExceedsBudget(round, total, ROUND_BUDGET);
        if ((root == bytes32(0)) != (total == 0)) revert RootTotalMismatch(root, total);
        uint256 available = unallocated();
        if (total > available) revert InsufficientFunding(round, total, available);

        uint256 validAt = block.timestamp + ROOT_DELAY;
        totalAllocated += total;
        data.root = root;
        // Fits: total <= ROUND_BUDGET <= type(uint96).max and validAt < claim deadline <= type(uint40).max,
        // both checked in the constructor.
        // forge-lint: disable-next-line(unsafe-typecast)
        data.total = uint96(total);
        // forge-lint: disable-next-line(unsafe-typecast)
        data.validAt = uint40(validAt);
        data.uri = uri;
        emit RootPosted(round, root, total, validAt, uri);
    }

    /// @inheritdoc IPodiumDistributor
    function revokeRoot(uint256 round) external {
        if (msg.sender != committee && msg.sender != FUNDER) revert NotCommitteeOrFunder(msg.sender);
        RoundData storage data = _rounds[round];
        uint256 validAt = data.validAt;
        if (validAt == 0) revert NoRoot(round);
        if (block.timestamp >= validAt) revert RootNotPending(round, validAt);

        bytes32 root = data.root;
        uint256 total = data.total;
        totalAllocated -= total;
        data.root = bytes32(0);
        data.total = 0;
        data.validAt = 0;
        data.revocations += 1;
        delete data.uri;
        emit RootRevoked(round, root, total, msg.sender);
    }

    // ------------------------------------------------------------------------------------------------
    // Claims
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IPodiumDistributor
    function claim(uint256 round, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        if (block.timestamp >= _CLAIM_DEADLINE) revert ClaimDeadlinePassed(_CLAIM_DEADLINE);
        _claimLeaf(round, index, account, amount, proof, account);
        TOKEN.safeTransfer(account, amount);
    }

    /// @inheritdoc IPodiumDistributor
    function claimMany(address account, Claim[] calldata claims) external {
        TOKEN.safeTransfer(account, _claimAll(account, claims, account));
    }

    /// @inheritdoc IPodiumDistributor
    function claimTo(address recipient, Claim[] calldata claims) external {
        if (recipient == address(0)) revert ZeroAddressRecipient();
        TOKEN.safeTransfer(recipient, _claimAll(msg.sender, claims, recipient));
    }

    // ------------------------------------------------------------------------------------------------
    // Sweep
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IPodiumDistributor
    function sweep() external nonReentrant {
        if (block.timestamp < _PROGRAM_END) revert ProgramNotEnded(_PROGRAM_END);
        uint256 amount;
        bool afterDeadline = block.timestamp >= _CLAIM_DEADLINE;
        if (afterDeadline) {
            // Nothing is owed any more: everything goes, including tokens sent by plain transfer.
            amount = TOKEN.balanceOf(address(this));
            // Nothing to send is exactly zero; a balance pushed up by a donation is simply swept.
            // slither-disable-next-line incorrect-equality
            if (amount == 0) revert NothingToSweep();
            unallocatedSwept += unallocated();
        } else {
            if (block.timestamp < _POSTING_DEADLINE) {
                uint256 notFinal = _firstRoundNotFinal();
                if (notFinal != 0) revert RoundNotFinal(notFinal);
            }
            amount = unallocated();
            // From recorded accounting, not a balance: nobody can move it by sending tokens.
            // slither-disable-next-line incorrect-equality
            if (amount == 0) revert NothingToSweep();
            unallocatedSwept += amount;
        }
        emit Swept(FUNDER, amount, afterDeadline);
        TOKEN.safeTransfer(FUNDER, amount);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IPodiumDistributor
    function roundState(uint256 round) external view returns (RoundState memory state) {
        uint256 endsAt = _roundEnd(round);
        RoundData storage data = _rounds[round];
        state.root = data.root;
        state.total = data.total;
        state.validAt = data.validAt;
        if (state.validAt != 0) state.postedAt = state.validAt - ROOT_DELAY;
        state.uri = data.uri;
        state.startsAt = endsAt - ROUND_DURATION;
        state.endsAt = endsAt;
        state.revocations = data.revocations;
        state.paid = data.paid;
        state.left = state.total - state.paid;
        if (block.timestamp < endsAt) {
            state.status = RoundStatus.Open;
        } else if (state.validAt != 0) {
            state.status = block.timestamp < state.validAt ? RoundStatus.Pending : RoundStatus.Valid;
        } else if (block.timestamp >= _POSTING_DEADLINE) {
            state.status = RoundStatus.Closed;
        } else {
            state.status = RoundStatus.Ended;
        }
    }

    /// @inheritdoc IPodiumDistributor
    function isClaimed(uint256 round, uint256 index) external view returns (bool) {
        // forge-lint: disable-next-line(incorrect-shift)
        return _claimedBitmap[round][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @inheritdoc IPodiumDistributor
    function claimedWord(uint256 round, uint256 wordIndex) external view returns (uint256) {
        return _claimedBitmap[round][wordIndex];
    }

    /// @inheritdoc IPodiumDistributor
    function unallocated() public view returns (uint256) {
        return totalFunded - totalAllocated - unallocatedSwept;
    }

    /// @inheritdoc IPodiumDistributor
    function outstanding() external view returns (uint256 owed) {
        if (block.timestamp >= _CLAIM_DEADLINE) return 0;
        for (uint256 round = 1; round <= ROUND_COUNT; ++round) {
            RoundData storage data = _rounds[round];
            owed += data.total - data.paid;
        }
    }

    /// @inheritdoc IPodiumDistributor
    function sweepable() external view returns (uint256) {
        if (block.timestamp < _PROGRAM_END) return 0;
        uint256 balance = TOKEN.balanceOf(address(this));
        if (block.timestamp >= _CLAIM_DEADLINE) return balance;
        if (block.timestamp < _POSTING_DEADLINE && _firstRoundNotFinal() != 0) return 0;
        uint256 amount = unallocated();
        // sweep() would fail to transfer more than the balance (only a token that lost balance can get here).
        return amount > balance ? 0 : amount;
    }

    /// @inheritdoc IPodiumDistributor
    function timeline()
        external
        view
        returns (
            uint256 start,
            uint256 roundDuration,
            uint256 roundCount,
            uint256 programEnd,
            uint256 postingDeadline,
            uint256 claimDeadline,
            uint256 rootDelay,
            uint256 claimWindow
        )
    {
        return (
            PROGRAM_START,
            ROUND_DURATION,
            ROUND_COUNT,
            _PROGRAM_END,
            _POSTING_DEADLINE,
            _CLAIM_DEADLINE,
            ROOT_DELAY,
            CLAIM_WINDOW
        );
    }

    /// @inheritdoc IPodiumDistributor
    function roundWindow(uint256 round) external view returns (uint256 startsAt, uint256 endsAt) {
        endsAt = _roundEnd(round);
        startsAt = endsAt - ROUND_DURATION;
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    /// @dev Claims every leaf in `claims` for `account`, paying `recipient`; returns the sum to transfer.
    function _claimAll(address account, Claim[] calldata claims, address recipient) private returns (uint256 sum) {
        if (claims.length == 0) revert EmptyClaims();
        if (block.timestamp >= _CLAIM_DEADLINE) revert ClaimDeadlinePassed(_CLAIM_DEADLINE);
        for (uint256 i = 0; i < claims.length; ++i) {
            Claim calldata c = claims[i];
            _claimLeaf(c.round, c.index, account, c.amount, c.proof, recipient);
            sum += c.amount;
        }
    }

    /// @dev Checks the round's root is valid, the leaf unclaimed and proven, and that the round has `amount`
    /// left of its total; sets the leaf's bit (so a leaf repeated later in the same batch reverts), adds
    /// `amount` to the round's paid counter and emits. The caller transfers.
    function _claimLeaf(
        uint256 round,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof,
        address recipient
    ) private {
        RoundData storage data = _rounds[round];
        // The round's second slot (total, validAt, paid; see RoundData), read once and rewritten once.
        uint256 books;
        assembly ("memory-safe") {
            books := sload(add(data.slot, 1))
        }
        {
            // Truncation is the point: the 40 bits at the offset are validAt.
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 validAt = uint40(books >> _VALID_AT_OFFSET);
            if (validAt == 0 || block.timestamp < validAt) revert RootNotValid(round, validAt);
        }

        mapping(uint256 wordIndex => uint256 bits) storage bitmap = _claimedBitmap[round];
        uint256 wordIndex = index >> 8;
        // forge-lint: disable-next-line(incorrect-shift)
        uint256 bit = 1 << (index & 0xff);
        uint256 word = bitmap[wordIndex];
        if (word & bit != 0) revert AlreadyClaimed(round, index);

        bytes32 leaf = _leaf(round, index, account, amount);
        if (!MerkleProof.verifyCalldata(proof, data.root, leaf)) {
            revert InvalidProof(round, index, account, amount);
        }
        unchecked {
            // paid <= total: every claim checks it here before adding to paid.
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 left = uint96(books) - uint96(books >> _PAID_OFFSET);
            if (amount > left) revert RoundTotalExceeded(round, amount, left);
        }
        bitmap[wordIndex] = word | bit;
        // paid + amount <= total < 2**96, so adding `amount` at the paid field's offset changes that field only.
        assembly ("memory-safe") {
            sstore(add(data.slot, 1), add(books, shl(_PAID_OFFSET, amount)))
        }
        emit Claimed(round, account, recipient, amount);
    }

    /// @dev OpenZeppelin's standard leaf, `keccak256(bytes.concat(keccak256(abi.encode(round, index,
    /// account, amount))))`, hashed in scratch memory: `abi.encode` would allocate fresh memory for every
    /// leaf of a batch, and memory is never freed within a call.
    function _leaf(uint256 round, uint256 index, address account, uint256 amount) private pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, round)
            mstore(add(ptr, 0x20), index)
            mstore(add(ptr, 0x40), and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x60), amount)
            mstore(0x00, keccak256(ptr, 0x80))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @dev The end of `round`; reverts unless `round` is in `1..ROUND_COUNT`.
    function _roundEnd(uint256 round) private view returns (uint256) {
        if (round == 0 || round > ROUND_COUNT) revert RoundOutOfRange(round, ROUND_COUNT);
        return PROGRAM_START + round * ROUND_DURATION;
    }

    /// @dev The first round without a valid root, or 0 when every round has one.
    function _firstRoundNotFinal() private view returns (uint256) {
        for (uint256 round = 1; round <= ROUND_COUNT; ++round) {
            uint256 validAt = _rounds[round].validAt;
            // validAt == 0 is the "nothing posted" marker, not a time comparison.
            // slither-disable-next-line incorrect-equality
            if (validAt == 0 || block.timestamp < validAt) return round;
        }
        return 0;
    }
}
