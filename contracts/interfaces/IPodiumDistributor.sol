// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IPodiumDistributor
/// @notice A weekly Merkle distributor: a committee posts one root per ended round, accounts claim with
/// OpenZeppelin standard-tree proofs, and whatever no round was given (and, after the claim window,
/// whatever nobody claimed) goes back to the funder.
/// @dev Round `r` (1-based) covers `[start + (r - 1) * duration, start + r * duration)`. A leaf is
/// `keccak256(bytes.concat(keccak256(abi.encode(round, index, account, amount))))`, the OpenZeppelin
/// standard leaf over `(uint256, uint256, address, uint256)`; the claimed state is one bitmap per round
/// indexed by the leaf's `index`.
interface IPodiumDistributor {
    // ------------------------------------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------------------------------------

    /// @notice Where a round stands.
    /// @dev Open: the round has not ended yet. Ended: ended, nothing posted (or the last root was revoked;
    /// see `revocations`). Pending: a root is posted and not yet claimable. Valid: claimable (until the
    /// claim deadline). Closed: posting has closed and the round has no root.
    enum RoundStatus {
        Open,
        Ended,
        Pending,
        Valid,
        Closed
    }

    /// @notice One claim inside a batch: the leaf's round, index and amount, and its proof.
    struct Claim {
        uint256 round;
        uint256 index;
        uint256 amount;
        bytes32[] proof;
    }

    /// @notice Everything a client needs about one round, in one call.
    /// @dev `postedAt` and `validAt` are 0 while nothing is posted. `total` is what the root may pay, `paid`
    /// what its claims have paid so far and `left` what they may still take (`total - paid`, while claims
    /// are open).
    struct RoundState {
        bytes32 root;
        uint256 total;
        uint256 postedAt;
        uint256 validAt;
        string uri;
        RoundStatus status;
        uint256 startsAt;
        uint256 endsAt;
        uint256 revocations;
        uint256 paid;
        uint256 left;
    }

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice The committee proposed `proposed` as its successor (`address(0)` cancels a proposal).
    event CommitteeProposed(address indexed current, address indexed proposed);

    /// @notice The proposed committee accepted; `next` now posts roots.
    event CommitteeChanged(address indexed previous, address indexed next);

    /// @notice `from` added `amount` tokens of funding; `totalFunded` is the running total.
    event Funded(address indexed from, uint256 amount, uint256 totalFunded);

    /// @notice The committee posted `root` for `round`; it pays at most `total` and is claimable from
    /// `validAt`. `uri` says where the distribution file lives.
    event RootPosted(uint256 indexed round, bytes32 root, uint256 total, uint256 validAt, string uri);

    /// @notice `by` revoked the pending `root` of `round`; its `total` no longer counts as owed.
    event RootRevoked(uint256 indexed round, bytes32 root, uint256 total, address indexed by);

    /// @notice `account`'s leaf of `round` was claimed and `amount` paid to `recipient`.
    event Claimed(uint256 indexed round, address indexed account, address recipient, uint256 amount);

    /// @notice `amount` tokens went back to the funder `to`; `afterDeadline` tells whether this was the
    /// final sweep of everything (true) or the unallocated part only (false).
    event Swept(address indexed to, uint256 amount, bool afterDeadline);

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    /// @notice The constructor was given the zero address as the token.
    error ZeroAddressToken();
    /// @notice The constructor was given the zero address as the funder.
    error ZeroAddressFunder();
    /// @notice The constructor was given the zero address as the committee.
    error ZeroAddressCommittee();
    /// @notice A claim named the zero address as its recipient.
    error ZeroAddressRecipient();
    /// @notice The round duration is zero.
    error ZeroDuration();
    /// @notice The round count is zero.
    error ZeroRoundCount();
    /// @notice The round count `roundCount` is above the supported maximum `max`.
    error TooManyRounds(uint256 roundCount, uint256 max);
    /// @notice The per-round budget is zero.
    error ZeroBudget();
    /// @notice The per-round budget `budget` does not fit the stored total (at most `max`).
    error BudgetTooLarge(uint256 budget, uint256 max);
    /// @notice The program `start` is before the deployment time `nowTs`.
    error StartInPast(uint256 start, uint256 nowTs);
    /// @notice The claim window `claimWindow` must be longer than the root delay `rootDelay`.
    error ClaimWindowTooShort(uint256 claimWindow, uint256 rootDelay);
    /// @notice The timeline ends at `claimDeadline`, beyond what timestamps are stored in (`max`).
    error TimelineTooLong(uint256 claimDeadline, uint256 max);

    /// @notice `caller` is not the committee.
    error NotCommittee(address caller);
    /// @notice `caller` is not the proposed committee.
    error NotPendingCommittee(address caller);
    /// @notice `caller` is neither the committee nor the funder.
    error NotCommitteeOrFunder(address caller);

    /// @notice `round` is not in `1..roundCount`.
    error RoundOutOfRange(uint256 round, uint256 roundCount);
    /// @notice `round` ends at `endsAt`; its root can be posted only from then.
    error RoundNotEnded(uint256 round, uint256 endsAt);
    /// @notice Posting closed at `postingDeadline` (the claim deadline minus the root delay, so every
    /// posted root becomes claimable before the claim deadline).
    error PostingClosed(uint256 postingDeadline);
    /// @notice `round` already has `root` (valid from `validAt`); revoke a pending root first.
    error RootAlreadyPosted(uint256 round, bytes32 root, uint256 validAt);
    /// @notice `total` for `round` is above the per-round budget `budget`.
    error TotalExceedsBudget(uint256 round, uint256 total, uint256 budget);
    /// @notice A zero root must come with a zero total and a non-zero root with a non-zero total.
    error RootTotalMismatch(bytes32 root, uint256 total);
    /// @notice `total` for `round` is more than the funding not yet allocated (`available`).
    error InsufficientFunding(uint256 round, uint256 total, uint256 available);
    /// @notice `round` has no root to revoke.
    error NoRoot(uint256 round);
    /// @notice `round`'s root became valid at `validAt` and can no longer be revoked.
    error RootNotPending(uint256 round, uint256 validAt);

    /// @notice `round` has no claimable root: nothing posted (`validAt` 0) or it is valid only from `validAt`.
    error RootNotValid(uint256 round, uint256 validAt);
    /// @notice Claims closed at `claimDeadline`.
    error ClaimDeadlinePassed(uint256 claimDeadline);
    /// @notice The proof does not prove the leaf `(round, index, account, amount)` under the round's root.
    error InvalidProof(uint256 round, uint256 index, address account, uint256 amount);
    /// @notice The leaf at `index` of `round` has already been claimed.
    error AlreadyClaimed(uint256 round, uint256 index);
    /// @notice A claim of `asked` from `round` would take the round past its posted total: only `left` of
    /// it remains. A round's claims never pay more than its total, whatever its tree says.
    error RoundTotalExceeded(uint256 round, uint256 asked, uint256 left);
    /// @notice A batch claim was given no claims.
    error EmptyClaims();

    /// @notice Funding of zero tokens (or a transfer that delivered none).
    error ZeroAmount();
    /// @notice Funding closed at `postingDeadline`: later funding could never be allocated to a round.
    error FundingClosed(uint256 postingDeadline);

    /// @notice Nothing can be swept before the program ends at `programEnd`.
    error ProgramNotEnded(uint256 programEnd);
    /// @notice `round` has no valid root yet, so the unallocated part is not final.
    error RoundNotFinal(uint256 round);
    /// @notice There is nothing to sweep.
    error NothingToSweep();

    // ------------------------------------------------------------------------------------------------
    // Configuration (immutable)
    // ------------------------------------------------------------------------------------------------

    /// @notice The most rounds a program may have (bounds sweep()'s walk over the rounds).
    function MAX_ROUNDS() external view returns (uint256);
    /// @notice The token paid out.
    function TOKEN() external view returns (IERC20);
    /// @notice The only address sweep() pays; it may also revoke pending roots.
    function FUNDER() external view returns (address);
    /// @notice Start of round 1 (unix seconds).
    function PROGRAM_START() external view returns (uint256);
    /// @notice Length of every round in seconds.
    function ROUND_DURATION() external view returns (uint256);
    /// @notice Number of rounds.
    function ROUND_COUNT() external view returns (uint256);
    /// @notice The most a round's root may pay.
    function ROUND_BUDGET() external view returns (uint256);
    /// @notice Seconds between posting a root and its becoming claimable (the challenge window).
    function ROOT_DELAY() external view returns (uint256);
    /// @notice Seconds claims stay open after the program ends.
    function CLAIM_WINDOW() external view returns (uint256);

    // ------------------------------------------------------------------------------------------------
    // Committee
    // ------------------------------------------------------------------------------------------------

    /// @notice The address that posts roots.
    function committee() external view returns (address);

    /// @notice The address proposed as the next committee (zero if none).
    function pendingCommittee() external view returns (address);

    /// @notice Proposes `proposed` as the next committee; it takes over when it calls acceptCommittee().
    /// Committee only. Proposing `address(0)` cancels a pending proposal.
    /// @param proposed The successor.
    function proposeCommittee(address proposed) external;

    /// @notice Makes the caller the committee. Only the proposed address may call it.
    function acceptCommittee() external;

    // ------------------------------------------------------------------------------------------------
    // Funding
    // ------------------------------------------------------------------------------------------------

    /// @notice Pulls `amount` tokens from the caller (approve first) and records what arrived as funding.
    /// Tokens sent by plain transfer are not funding: they only leave through the final sweep.
    /// @param amount Tokens to pull.
    function fund(uint256 amount) external;

    // ------------------------------------------------------------------------------------------------
    // Roots
    // ------------------------------------------------------------------------------------------------

    /// @notice Posts the Merkle root of an ended round. Committee only, before the posting deadline, once
    /// per round (unless revoked while pending). `total` must be within the round budget and the
    /// funding not yet allocated. An empty round is closed with `root == 0` and `total == 0`.
    /// @param round The round, 1-based.
    /// @param root The OpenZeppelin standard-tree root of the round's leaves.
    /// @param total What the root pays in all (the sum of its leaves' amounts).
    /// @param uri Where the distribution file (tree, proofs, inputs) can be fetched.
    function postRoot(uint256 round, bytes32 root, uint256 total, string calldata uri) external;

    /// @notice Revokes a root that is still pending. Committee or funder.
    /// @param round The round whose pending root is revoked.
    function revokeRoot(uint256 round) external;

    // ------------------------------------------------------------------------------------------------
    // Claims
    // ------------------------------------------------------------------------------------------------

    /// @notice Claims one leaf and pays `account`. Anyone may call it.
    /// @param round The leaf's round.
    /// @param index The leaf's index in the round.
    /// @param account The account the leaf pays.
    /// @param amount The leaf's amount.
    /// @param proof The leaf's proof.
    function claim(uint256 round, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external;

    /// @notice Claims several leaves (normally one per round) of `account` and pays their sum to
    /// `account` in one transfer. Anyone may call it.
    /// @param account The account every leaf pays.
    /// @param claims The leaves and their proofs.
    function claimMany(address account, Claim[] calldata claims) external;

    /// @notice Claims leaves of the caller and pays their sum to `recipient` in one transfer.
    /// @param recipient Where the tokens go (e.g. a cold wallet).
    /// @param claims The caller's leaves and their proofs.
    function claimTo(address recipient, Claim[] calldata claims) external;

    // ------------------------------------------------------------------------------------------------
    // Sweep
    // ------------------------------------------------------------------------------------------------

    /// @notice Sends tokens back to the funder. Anyone may call it. After the program ends, once every
    /// round's root is valid (or posting has closed): the unallocated part. From the claim deadline: the
    /// whole balance. Callable again whenever there is something new to sweep.
    function sweep() external;

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice Sum of all funding received through fund().
    function totalFunded() external view returns (uint256);

    /// @notice Sum of the totals of all posted, non-revoked roots.
    function totalAllocated() external view returns (uint256);

    /// @notice Funding swept back to the funder without ever being allocated.
    function unallocatedSwept() external view returns (uint256);

    /// @notice A round's root, total, times, uri, status, window, revocation count, and what it has paid
    /// and has left.
    /// @param round The round, 1-based.
    function roundState(uint256 round) external view returns (RoundState memory state);

    /// @notice Whether the leaf at `index` of `round` has been claimed.
    function isClaimed(uint256 round, uint256 index) external view returns (bool);

    /// @notice The claimed bits of leaves `256 * wordIndex .. 256 * wordIndex + 255` of `round`.
    function claimedWord(uint256 round, uint256 wordIndex) external view returns (uint256);

    /// @notice Funding neither allocated to a round nor swept.
    function unallocated() external view returns (uint256);

    /// @notice What claimants may still take: the sum over rounds with a root (valid, or pending and so
    /// not yet claimable) of `total - paid`; 0 from the claim deadline. Tokens sent by plain transfer are
    /// not part of it.
    function outstanding() external view returns (uint256);

    /// @notice Exactly what sweep() would send now, and 0 when it would revert.
    function sweepable() external view returns (uint256);

    /// @notice The program's timeline. Roots may be posted until `postingDeadline` (=
    /// `claimDeadline - rootDelay`); claims are open until `claimDeadline` (= `programEnd + claimWindow`).
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
        );

    /// @notice The window `[startsAt, endsAt)` of `round`.
    function roundWindow(uint256 round) external view returns (uint256 startsAt, uint256 endsAt);
}
