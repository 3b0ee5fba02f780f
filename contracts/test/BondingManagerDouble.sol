// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title BondingManagerDouble
/// @notice A test double of Livepeer's BondingManager (livepeer/protocol `contracts/bonding/BondingManager.sol`)
/// with the parts a claimer, an orchestrator registering, and the committee's report touch:
/// - `bond` / `bondWithHint` with the real guards, revert strings and `Bond` event; tokens are pulled from the
///   caller with `transferFrom` (so the caller approves this contract first, as with Livepeer);
/// - `transcoder(rewardCut, feeShare)` registration with `TranscoderUpdate`, and the transcoder pool: a list
///   sorted by total stake (descending) with a maximum size, kept with position hints exactly as Livepeer's
///   `SortedDoublyLL` keeps it (a valid hint is one storage write, a stale or wrong hint falls back to walking
///   the list from the hint, no hint walks from the head), `TranscoderActivated` / `TranscoderDeactivated`;
/// - the pool views (`getFirstTranscoderInPool`, `getNextTranscoderInPool`, `transcoderTotalStake`,
///   `isRegisteredTranscoder`, `getTranscoderPoolSize`, `getTranscoderPoolMaxSize`, `isActiveTranscoder`);
/// - a round manager notion folded into the double (Livepeer keeps it in a separate RoundsManager): the current
///   round, whether it is initialized and whether it is locked, set by anyone through test-only setters.
/// No rewards minting, fees, unbonding, checkpoints, pause or controller. For tests, demos and benchmarks only.
/// Divergences from the real contract are named where they occur.
contract BondingManagerDouble {
    using SafeERC20 for IERC20;

    /// @notice Livepeer's MathUtils.PERC_DIVISOR: percentages are numerators over one million.
    uint256 public constant PERC_DIVISOR = 1_000_000;
    /// @notice Livepeer's MAX_FUTURE_ROUND: the deactivation round of a transcoder that stays in the pool.
    uint256 public constant MAX_FUTURE_ROUND = type(uint256).max;
    /// @notice The largest pool this double accepts (Livepeer's numActiveTranscoders on Arbitrum One is 100).
    uint256 public constant MAX_POOL_SIZE_LIMIT = 100;

    /// @notice The bonded token (LPT in production).
    IERC20 public immutable TOKEN;

    /// @notice Each delegator's bonded stake.
    mapping(address delegator => uint256 amount) public bondedAmount;
    /// @notice Each delegator's delegate (zero if never bonded).
    mapping(address delegator => address delegate) public delegateOf;
    /// @notice Stake delegated to each delegate (its total stake: `transcoderTotalStake`).
    mapping(address delegate => uint256 amount) public delegatedAmount;
    /// @notice The round from which each delegator's stake counts (Livepeer's `Delegator.startRound`).
    mapping(address delegator => uint256 round) public startRound;
    /// @notice The sum of all bonded stake.
    uint256 public totalBonded;
    /// @notice The stake of the pool's members for the next round (Livepeer's `nextRoundTotalActiveStake`).
    uint256 public nextRoundTotalActiveStake;

    /// @notice The round manager notion: the current round number.
    uint256 public currentRound;
    /// @notice The round manager notion: whether the current round was initialized.
    bool public currentRoundInitialized;
    /// @notice The round manager notion: whether the current round is locked (its last blocks).
    bool public currentRoundLocked;

    struct Transcoder {
        uint256 lastRewardRound;
        uint256 rewardCut;
        uint256 feeShare;
        uint256 activationRound;
        uint256 deactivationRound;
    }

    mapping(address transcoder => Transcoder) private _transcoders;

    struct Node {
        uint256 key;
        address next; // smaller key
        address prev; // larger key
    }

    // The transcoder pool: a doubly linked list sorted by key (total stake), largest first.
    mapping(address transcoder => Node) private _nodes;
    address private _head;
    address private _tail;
    uint256 private _poolSize;
    uint256 private _poolMaxSize;

    /// @notice Same signature as Livepeer's BondingManager event.
    event Bond(
        address indexed newDelegate,
        address indexed oldDelegate,
        address indexed delegator,
        uint256 additionalAmount,
        uint256 bondedAmount
    );
    /// @notice Same signature as Livepeer's BondingManager event: a registered transcoder set its terms.
    event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare);
    /// @notice Same signature as Livepeer's BondingManager event: a transcoder joined the pool.
    event TranscoderActivated(address indexed transcoder, uint256 activationRound);
    /// @notice Same signature as Livepeer's BondingManager event: a transcoder left (was evicted from) the pool.
    event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound);
    /// @notice Same signature as Livepeer's BondingManager event (emitted by the round manager setters here).
    event ParameterUpdate(string param);

    /// @param token The token `bond` pulls.
    /// @dev Starts at round 1, initialized and unlocked, with a pool of at most 100, so a plain deployment bonds
    /// as the live network does on an ordinary day.
    constructor(IERC20 token) {
        TOKEN = token;
        currentRound = 1;
        currentRoundInitialized = true;
        _poolMaxSize = MAX_POOL_SIZE_LIMIT;
    }

    modifier whenCurrentRoundInitialized() {
        require(currentRoundInitialized, "current round is not initialized");
        _;
    }

    // ---------------------------------------------------------------- round manager notion (test-only setters)

    /// @notice Moves to `round` (not initialized): what happens on the live network when a round's first block
    /// is mined and nobody has called `RoundsManager.initializeRound()` yet.
    function setRound(uint256 round) external {
        currentRound = round;
        currentRoundInitialized = false;
        currentRoundLocked = false;
        emit ParameterUpdate("currentRound");
    }

    /// @notice Marks the current round initialized (Livepeer's `RoundsManager.initializeRound()`).
    function initializeRound() external {
        currentRoundInitialized = true;
        emit ParameterUpdate("currentRoundInitialized");
    }

    /// @notice Locks or unlocks the current round (on the live network, its last `roundLockAmount` blocks).
    function setCurrentRoundLocked(bool locked) external {
        currentRoundLocked = locked;
        emit ParameterUpdate("currentRoundLocked");
    }

    /// @notice Sets the pool's maximum size. Divergence: anyone may call it, and it may shrink the maximum (never
    /// below the current size; Livepeer's `setNumActiveTranscoders` is owner-only and only grows).
    function setNumActiveTranscoders(uint256 numActiveTranscoders) external {
        require(
            numActiveTranscoders > 0 && numActiveTranscoders <= MAX_POOL_SIZE_LIMIT,
            "pool max size must be between 1 and 100"
        );
        require(numActiveTranscoders >= _poolSize, "pool max size below the current pool size");
        _poolMaxSize = numActiveTranscoders;
        emit ParameterUpdate("numActiveTranscoders");
    }

    // ---------------------------------------------------------------- registration

    /// @notice Sets the caller's commission rates and, if it is not in the pool, tries to add it
    /// (Livepeer's `transcoder`: `transcoderWithHint` with no hint).
    /// @param rewardCut % of reward paid to the transcoder by a delegator (over PERC_DIVISOR).
    /// @param feeShare % of fees paid to delegators by the transcoder (over PERC_DIVISOR).
    function transcoder(uint256 rewardCut, uint256 feeShare) external {
        transcoderWithHint(rewardCut, feeShare, address(0), address(0));
    }

    /// @notice Livepeer's `transcoderWithHint`: `transcoder` with a position hint for joining the pool.
    function transcoderWithHint(uint256 rewardCut, uint256 feeShare, address newPosPrev, address newPosNext)
        public
        whenCurrentRoundInitialized
    {
        require(!currentRoundLocked, "can't update transcoder params, current round is locked");
        require(rewardCut <= PERC_DIVISOR, "invalid rewardCut percentage");
        require(feeShare <= PERC_DIVISOR, "invalid feeShare percentage");
        require(isRegisteredTranscoder(msg.sender), "transcoder must be registered");

        Transcoder storage t = _transcoders[msg.sender];
        require(
            !isActiveTranscoder(msg.sender) || t.lastRewardRound == currentRound,
            "caller can't be active or must have already called reward for the current round"
        );

        t.rewardCut = rewardCut;
        t.feeShare = feeShare;

        if (!_contains(msg.sender)) {
            _tryToJoinActiveSet(msg.sender, delegatedAmount[msg.sender], currentRound + 1, newPosPrev, newPosNext);
        }

        emit TranscoderUpdate(msg.sender, rewardCut, feeShare);
    }

    /// @notice Records that an active transcoder called reward this round. Divergence: no tokens are minted, so
    /// that `transcoder` may be called again by an active transcoder, as on the live network.
    function reward() external whenCurrentRoundInitialized {
        require(isActiveTranscoder(msg.sender), "caller must be an active transcoder");
        require(
            _transcoders[msg.sender].lastRewardRound != currentRound,
            "caller has already called reward for the current round"
        );
        _transcoders[msg.sender].lastRewardRound = currentRound;
    }

    // ---------------------------------------------------------------- bonding

    /// @notice Bonds `amount` more of the caller's tokens and (re)delegates all of its stake to `to`
    /// (Livepeer's `bond`: `bondWithHint` with no hints).
    /// @param amount Tokens pulled from the caller with transferFrom (may be 0 to only change delegate).
    /// @param to The delegate (an orchestrator bonding to itself passes its own address).
    function bond(uint256 amount, address to) external {
        bondWithHint(amount, to, address(0), address(0), address(0), address(0));
    }

    /// @notice Livepeer's `bondWithHint`: `bond` with pool position hints for the old delegate's new position
    /// (when the caller moves its stake away from it) and the new delegate's new position. A hint that is no
    /// longer valid costs a walk of the pool from the hint, never a failure.
    function bondWithHint(
        uint256 amount,
        address to,
        address oldDelegateNewPosPrev,
        address oldDelegateNewPosNext,
        address currDelegateNewPosPrev,
        address currDelegateNewPosNext
    ) public whenCurrentRoundInitialized {
        address owner = msg.sender;
        address currentDelegate = delegateOf[owner];
        uint256 currentBondedAmount = bondedAmount[owner];
        uint256 delegationAmount = amount;

        if (currentBondedAmount == 0) {
            // Unbonded: a new delegation that starts counting next round.
            startRound[owner] = currentRound + 1;
        } else if (currentDelegate != to) {
            // A registered transcoder's stake can only be delegated to itself.
            require(!isRegisteredTranscoder(owner), "registered transcoders can't delegate towards other addresses");
            startRound[owner] = currentRound + 1;
            delegationAmount += currentBondedAmount;
            _decreaseTotalStake(currentDelegate, currentBondedAmount, oldDelegateNewPosPrev, oldDelegateNewPosNext);
        }

        require(delegationAmount > 0, "delegation amount must be greater than 0");
        delegateOf[owner] = to;
        uint256 bonded = currentBondedAmount + amount;
        bondedAmount[owner] = bonded;
        totalBonded += amount;

        _increaseTotalStake(to, delegationAmount, currDelegateNewPosPrev, currDelegateNewPosNext);

        if (amount > 0) TOKEN.safeTransferFrom(owner, address(this), amount);

        emit Bond(to, currentDelegate, owner, amount, bonded);
    }

    // ---------------------------------------------------------------- views

    /// @notice Livepeer's `getDelegator` shape, so clients can read stake the same way on both.
    /// @dev `fees`, `lastClaimRound` and `nextUnbondingLockId` are always 0 here.
    function getDelegator(address delegator)
        external
        view
        returns (
            uint256 bonded,
            uint256 fees,
            address delegateAddress,
            uint256 delegated,
            uint256 startRound_,
            uint256 lastClaimRound,
            uint256 nextUnbondingLockId
        )
    {
        return (
            bondedAmount[delegator], 0, delegateOf[delegator], delegatedAmount[delegator], startRound[delegator], 0, 0
        );
    }

    /// @notice A transcoder's total stake: its own bond plus what is delegated to it.
    function transcoderTotalStake(address transcoder_) public view returns (uint256) {
        return delegatedAmount[transcoder_];
    }

    /// @notice Registered means self-bonded with a non-zero bond (Livepeer's definition).
    function isRegisteredTranscoder(address transcoder_) public view returns (bool) {
        return delegateOf[transcoder_] == transcoder_ && bondedAmount[transcoder_] > 0;
    }

    /// @notice Whether the transcoder is in the active set of the current round.
    function isActiveTranscoder(address transcoder_) public view returns (bool) {
        Transcoder storage t = _transcoders[transcoder_];
        return t.activationRound <= currentRound && currentRound < t.deactivationRound;
    }

    /// @notice The pool's maximum size.
    function getTranscoderPoolMaxSize() external view returns (uint256) {
        return _poolMaxSize;
    }

    /// @notice The pool's current size.
    function getTranscoderPoolSize() external view returns (uint256) {
        return _poolSize;
    }

    /// @notice The pool member with the most stake (zero if the pool is empty).
    function getFirstTranscoderInPool() external view returns (address) {
        return _head;
    }

    /// @notice The pool member after `transcoder_` (less or equal stake; zero after the last).
    function getNextTranscoderInPool(address transcoder_) external view returns (address) {
        return _nodes[transcoder_].next;
    }

    /// @notice The transcoder's terms and activation rounds (a subset of Livepeer's `getTranscoder`).
    function getTranscoder(address transcoder_)
        external
        view
        returns (
            uint256 lastRewardRound,
            uint256 rewardCut,
            uint256 feeShare,
            uint256 activationRound,
            uint256 deactivationRound
        )
    {
        Transcoder storage t = _transcoders[transcoder_];
        return (t.lastRewardRound, t.rewardCut, t.feeShare, t.activationRound, t.deactivationRound);
    }

    // ---------------------------------------------------------------- stake and pool bookkeeping

    function _increaseTotalStake(address delegate, uint256 amount, address newPosPrev, address newPosNext) private {
        uint256 newStake = delegatedAmount[delegate] + amount;
        if (isRegisteredTranscoder(delegate)) {
            if (_contains(delegate)) {
                _updateKey(delegate, newStake, newPosPrev, newPosNext);
                nextRoundTotalActiveStake += amount;
            } else {
                _tryToJoinActiveSet(delegate, newStake, currentRound + 1, newPosPrev, newPosNext);
            }
        }
        delegatedAmount[delegate] = newStake;
    }

    function _decreaseTotalStake(address delegate, uint256 amount, address newPosPrev, address newPosNext) private {
        uint256 newStake = delegatedAmount[delegate] - amount;
        if (_contains(delegate)) {
            _updateKey(delegate, newStake, newPosPrev, newPosNext);
            nextRoundTotalActiveStake -= amount;
        }
        delegatedAmount[delegate] = newStake;
    }

    function _tryToJoinActiveSet(
        address transcoder_,
        uint256 totalStake,
        uint256 activationRound,
        address newPosPrev,
        address newPosNext
    ) private {
        uint256 pending = nextRoundTotalActiveStake;
        if (_poolSize == _poolMaxSize) {
            address last = _tail;
            uint256 lastStake = delegatedAmount[last];
            // Not more stake than the smallest member: stays out of the pool (no revert, no event).
            if (totalStake <= lastStake) return;
            _remove(last);
            _transcoders[last].deactivationRound = activationRound;
            pending -= lastStake;
            emit TranscoderDeactivated(last, activationRound);
        }
        _insert(transcoder_, totalStake, newPosPrev, newPosNext);
        Transcoder storage t = _transcoders[transcoder_];
        t.activationRound = activationRound;
        t.deactivationRound = MAX_FUTURE_ROUND;
        nextRoundTotalActiveStake = pending + totalStake;
        emit TranscoderActivated(transcoder_, activationRound);
    }

    // ---------------------------------------------------------------- the sorted list (SortedDoublyLL semantics)

    function _contains(address id) private view returns (bool) {
        return _nodes[id].key > 0;
    }

    function _insert(address id, uint256 key, address prevHint, address nextHint) private {
        require(_poolSize < _poolMaxSize, "list is full");
        require(!_contains(id), "node already in list");
        require(id != address(0), "node id is null");
        require(key > 0, "key is zero");

        (address prev, address next) = (prevHint, nextHint);
        if (!_validInsertPosition(key, prev, next)) (prev, next) = _findInsertPosition(key, prev, next);

        Node storage node = _nodes[id];
        node.key = key;
        if (prev == address(0) && next == address(0)) {
            _head = id;
            _tail = id;
        } else if (prev == address(0)) {
            node.next = _head;
            _nodes[_head].prev = id;
            _head = id;
        } else if (next == address(0)) {
            node.prev = _tail;
            _nodes[_tail].next = id;
            _tail = id;
        } else {
            node.next = next;
            node.prev = prev;
            _nodes[prev].next = id;
            _nodes[next].prev = id;
        }
        _poolSize += 1;
    }

    function _remove(address id) private {
        require(_contains(id), "node not in list");
        Node storage node = _nodes[id];
        if (_poolSize > 1) {
            if (id == _head) {
                _head = node.next;
                _nodes[_head].prev = address(0);
            } else if (id == _tail) {
                _tail = node.prev;
                _nodes[_tail].next = address(0);
            } else {
                _nodes[node.prev].next = node.next;
                _nodes[node.next].prev = node.prev;
            }
        } else {
            _head = address(0);
            _tail = address(0);
        }
        delete _nodes[id];
        _poolSize -= 1;
    }

    function _updateKey(address id, uint256 newKey, address prevHint, address nextHint) private {
        _remove(id);
        if (newKey > 0) _insert(id, newKey, prevHint, nextHint);
    }

    /// @dev `(prev, next)` is a valid place for `key`: adjacent, with prev's key >= key >= next's key; `(0, 0)` only
    /// in an empty list, `(0, head)` and `(tail, 0)` at the ends.
    function _validInsertPosition(uint256 key, address prev, address next) private view returns (bool) {
        if (prev == address(0) && next == address(0)) return _poolSize == 0;
        if (prev == address(0)) return _head == next && key >= _nodes[next].key;
        if (next == address(0)) return _tail == prev && key <= _nodes[prev].key;
        return _nodes[prev].next == next && _nodes[prev].key >= key && key >= _nodes[next].key;
    }

    /// @dev Walks toward smaller keys from `start` until a valid position.
    function _descend(uint256 key, address start) private view returns (address, address) {
        if (_head == start && key >= _nodes[start].key) return (address(0), start);
        address prev = start;
        address next = _nodes[prev].next;
        while (prev != address(0) && !_validInsertPosition(key, prev, next)) {
            prev = _nodes[prev].next;
            next = _nodes[prev].next;
        }
        return (prev, next);
    }

    /// @dev Walks toward larger keys from `start` until a valid position.
    function _ascend(uint256 key, address start) private view returns (address, address) {
        if (_tail == start && key <= _nodes[start].key) return (start, address(0));
        address next = start;
        address prev = _nodes[next].prev;
        while (next != address(0) && !_validInsertPosition(key, prev, next)) {
            next = _nodes[next].prev;
            prev = _nodes[next].prev;
        }
        return (prev, next);
    }

    /// @dev Uses whichever half of a stale hint still holds (a member on the right side of `key`) as the start of a
    /// walk; with neither, walks from the head.
    function _findInsertPosition(uint256 key, address prevHint, address nextHint)
        private
        view
        returns (address, address)
    {
        address prev = prevHint;
        address next = nextHint;
        if (prev != address(0) && (!_contains(prev) || key > _nodes[prev].key)) prev = address(0);
        if (next != address(0) && (!_contains(next) || key < _nodes[next].key)) next = address(0);
        if (prev == address(0) && next == address(0)) return _descend(key, _head);
        if (prev == address(0)) return _ascend(key, next);
        return _descend(key, prev);
    }
}
