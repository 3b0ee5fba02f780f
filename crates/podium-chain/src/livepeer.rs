//! Livepeer's contracts and token, written down once.
//!
//! Source: `/work/shared/DESIGN.md`, "Facts from the field" (the LPT token on Arbitrum One and on
//! Ethereum mainnet, and the BondingManager proxy on Arbitrum One from livepeer/protocol's
//! `deployments/arbitrumMainnet/BondingManagerProxy.json`).

use alloy::primitives::{Address, address};

/// Arbitrum One's chain id.
pub const ARBITRUM_ONE: u64 = 42_161;

/// Ethereum mainnet's chain id.
pub const ETHEREUM_MAINNET: u64 = 1;

/// LPT (18 decimals, a plain ERC20) on Arbitrum One.
pub const ARBITRUM_LPT: Address = address!("0x289ba1701C2F088cf0faf8B3705246331cB8A839");

/// LPT on Ethereum mainnet.
pub const ETHEREUM_LPT: Address = address!("0x58b6a8a3302369daec383334672404ee733ab239");

/// LPT on each chain it lives on, as `(chain id, token)`.
pub const LPT: [(u64, Address); 2] = [
    (ARBITRUM_ONE, ARBITRUM_LPT),
    (ETHEREUM_MAINNET, ETHEREUM_LPT),
];

/// Livepeer's BondingManager proxy on Arbitrum One.
pub const ARBITRUM_BONDING_MANAGER: Address =
    address!("0x35Bcf3c30594191d53231E4FF333E8A770453e40");

/// The block of the transaction that deployed [`ARBITRUM_BONDING_MANAGER`] (livepeer/protocol,
/// `deployments/arbitrumMainnet/BondingManagerProxy.json`, receipt `blockNumber`): no event of it is
/// older.
pub const ARBITRUM_BONDING_MANAGER_BLOCK: u64 = 5_856_381;
