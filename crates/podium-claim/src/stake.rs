//! Claim-and-stake: once the claim is mined, approve Livepeer's BondingManager for the claimed
//! amount and `bond(amount, delegate)`, so the reward goes straight to stake. The BondingManager
//! pulls the tokens with `transferFrom(msg.sender, …)`, hence the approval first.

use podium_chain::{
    Chain, SendOpts, Sender, Wallet,
    alloy::{
        primitives::{TxHash, address},
        sol,
        sol_types::SolCall,
    },
    bindings::IERC20,
    revert::Units,
    send::Call,
};
use serde::Serialize;

use crate::{
    exit::{Error, Result},
    plan::{Address, U256},
};

sol! {
    /// The part of Livepeer's BondingManager that staking uses.
    interface ILivepeerBondingManager {
        /// Bonds `amount` of the caller's tokens (pulled with transferFrom) and delegates the
        /// caller's whole stake to `to`.
        function bond(uint256 amount, address to) external;
    }
}

/// Arbitrum One's chain id.
pub const ARBITRUM_ONE: u64 = 42_161;

/// Livepeer's BondingManager proxy on Arbitrum One.
pub const ARBITRUM_BONDING_MANAGER: Address =
    address!("0x35Bcf3c30594191d53231E4FF333E8A770453e40");

/// The BondingManager to use on `chain_id`: the one given, else the known one on Arbitrum One.
pub fn bonding_manager(chain_id: u64, configured: Option<Address>) -> Result<Address> {
    match (configured, chain_id) {
        (Some(address), _) => Ok(address),
        (None, ARBITRUM_ONE) => Ok(ARBITRUM_BONDING_MANAGER),
        (None, other) => Err(Error::Usage(format!(
            "--stake on chain {other} needs --bonding-manager ADDRESS (podium-claim knows Livepeer's \
             BondingManager only on Arbitrum One, chain {ARBITRUM_ONE})"
        ))),
    }
}

/// The stake that was made.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Staked {
    /// Tokens bonded, in base units.
    #[serde(serialize_with = "crate::output::decimal")]
    pub amount: U256,
    /// The delegate.
    #[serde(serialize_with = "crate::output::checksum")]
    pub delegate: Address,
    /// The BondingManager.
    #[serde(serialize_with = "crate::output::checksum")]
    pub bonding_manager: Address,
    /// The approval, when one was needed.
    pub approve_tx: Option<TxHash>,
    /// The bond.
    pub bond_tx: TxHash,
}

/// Approves (when the allowance is short) and bonds `amount` to `delegate`.
#[allow(clippy::too_many_arguments)]
pub async fn stake(
    chain: &Chain,
    wallet: &Wallet,
    send: &SendOpts,
    units: &Units,
    token: Address,
    bonding_manager: Address,
    amount: U256,
    delegate: Address,
) -> Result<Staked> {
    let fail = |e: podium_chain::Error| {
        Error::Stake(format!(
            "the claim is done, but staking {} failed: {e}",
            units.fmt(amount)
        ))
    };
    let sender =
        Sender::new(chain, wallet, send, |msg| tracing::info!("{msg}")).with_units(units.clone());
    let allowance = IERC20::new(token, &chain.provider)
        .allowance(wallet.address(), bonding_manager)
        .call()
        .await
        .map_err(|e| {
            Error::Stake(format!(
                "the claim is done, but reading the token allowance failed: {e}"
            ))
        })?;
    let approve_tx = if allowance < amount {
        let call = Call::new(
            token,
            IERC20::approveCall {
                spender: bonding_manager,
                amount,
            }
            .abi_encode(),
            format!("approve({bonding_manager}, {})", units.fmt(amount)),
        );
        Some(sender.send(&call).await.map_err(fail)?.hash)
    } else {
        None
    };
    let call = Call::new(
        bonding_manager,
        ILivepeerBondingManager::bondCall {
            amount,
            to: delegate,
        }
        .abi_encode(),
        format!("bond({}, {delegate})", units.fmt(amount)),
    );
    let bond_tx = sender.send(&call).await.map_err(fail)?.hash;
    Ok(Staked {
        amount,
        delegate,
        bonding_manager,
        approve_tx,
        bond_tx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_arbitrum_one_and_asks_elsewhere() {
        assert_eq!(
            bonding_manager(42_161, None).unwrap(),
            ARBITRUM_BONDING_MANAGER
        );
        let mine = Address::repeat_byte(7);
        assert_eq!(bonding_manager(1, Some(mine)).unwrap(), mine);
        let err = bonding_manager(31_337, None).unwrap_err().to_string();
        assert!(err.contains("--bonding-manager"), "{err}");
    }

    #[test]
    fn bond_has_livepeer_s_selector() {
        // bond(uint256,address) = 0xb78d27dc, as on Livepeer's BondingManager.
        assert_eq!(
            ILivepeerBondingManager::bondCall::SELECTOR,
            [0xb7, 0x8d, 0x27, 0xdc]
        );
    }
}
