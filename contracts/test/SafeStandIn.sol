// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SafeStandIn
/// @notice A stand-in for a Safe multisig on a local chain, for tests and rehearsals only. It answers
/// `getThreshold()` and `getOwners()` with the ABI of Safe's OwnerManager (safe-global/safe-smart-account),
/// which is what podium reads to tell a Safe from an ordinary account and to say who must sign; and it
/// lets any one of its owners execute a call as the Safe (`execTransaction` does that in a real Safe once
/// `threshold` owners have signed), so a rehearsal can carry out the batches podium writes.
contract SafeStandIn {
    address[] private _owners;
    uint256 private immutable _THRESHOLD;

    /// @notice The caller is not one of the owners.
    error NotAnOwner(address caller);
    /// @notice The executed call reverted with `reason`.
    error CallFailed(address to, bytes reason);
    /// @notice The threshold is 0 or above the number of owners, which a Safe never allows.
    error BadThreshold(uint256 threshold, uint256 owners);

    /// @notice A call was executed as the Safe.
    event Executed(address indexed by, address indexed to, bytes data);

    /// @param owners The owners, in the order `getOwners()` returns them.
    /// @param threshold How many owners a real Safe would need to sign.
    constructor(address[] memory owners, uint256 threshold) {
        if (threshold == 0 || threshold > owners.length) revert BadThreshold(threshold, owners.length);
        _owners = owners;
        _THRESHOLD = threshold;
    }

    /// @notice As Safe's OwnerManager: the number of owners that must sign.
    function getThreshold() external view returns (uint256) {
        return _THRESHOLD;
    }

    /// @notice As Safe's OwnerManager: the owners.
    function getOwners() external view returns (address[] memory) {
        return _owners;
    }

    /// @notice Calls `to` with `data` as the Safe; any owner may. A revert comes back in `CallFailed`.
    /// @param to The contract to call.
    /// @param data The calldata (a transaction of a Safe Transaction Builder batch).
    function execute(address to, bytes calldata data) external returns (bytes memory result) {
        bool owner;
        for (uint256 i = 0; i < _owners.length; ++i) {
            if (_owners[i] == msg.sender) owner = true;
        }
        if (!owner) revert NotAnOwner(msg.sender);
        emit Executed(msg.sender, to, data);
        bool ok;
        (ok, result) = to.call(data);
        if (!ok) revert CallFailed(to, result);
    }
}
