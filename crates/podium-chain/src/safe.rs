//! Safe Transaction Builder batch files: what the Safe web app's Transaction Builder exports and
//! imports (format version "1.0"), so a multisig committee or funder can review and sign podium's
//! transactions in the Safe app.
//!
//! Each transaction carries its raw `data` and, for the reviewers, the decoded method and inputs
//! (`contractMethod`, `contractInputsValues`). `meta.checksum` is computed the way the Transaction
//! Builder checks it, so an untouched file imports without a warning.

use std::sync::OnceLock;

use alloy::{
    json_abi::{Function, JsonAbi},
    primitives::{Address, Bytes, keccak256},
    providers::Provider,
};
use serde_json::{Map, Value, json};

use crate::{Chain, Error, Result};

alloy::sol! {
    /// The part of a Safe podium reads: its owners and threshold, with the ABI of `OwnerManager` in
    /// safe-global/safe-smart-account (`getThreshold() returns (uint256)`, `getOwners() returns
    /// (address[])`).
    #[sol(rpc)]
    interface ISafe {
        function getThreshold() external view returns (uint256);
        function getOwners() external view returns (address[] memory);
    }
}

/// Who signs for a Safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeSigners {
    /// The Safe.
    pub safe: Address,
    /// How many owners must sign a transaction.
    pub threshold: u64,
    /// The owners, in the Safe's order.
    pub owners: Vec<Address>,
}

impl SafeSigners {
    /// "2 of its 3 owners must sign: 0x…, 0x…, 0x…", for messages.
    pub fn who_must_sign(&self) -> String {
        let owners: Vec<String> = self.owners.iter().map(|o| o.to_checksum(None)).collect();
        let of = if self.owners.len() == 1 {
            "its only owner must sign".to_owned()
        } else {
            format!(
                "{} of its {} owners must sign",
                self.threshold,
                self.owners.len()
            )
        };
        format!("{of}: {}", owners.join(", "))
    }
}

/// Checks that `safe` is a Safe on this chain before a batch is written for it: it must have code
/// and answer `getThreshold()` and `getOwners()` as a Safe does (a threshold from 1 to the number
/// of owners). A batch written for an ordinary account or another contract could never be executed,
/// and nobody would learn that until the Safe app refused it.
pub async fn signers(chain: &Chain, safe: Address) -> Result<SafeSigners> {
    let shown = safe.to_checksum(None);
    let code = chain
        .provider
        .get_code_at(safe)
        .await
        .map_err(|e| chain.rpc_err("eth_getCode", e))?;
    if code.is_empty() {
        return Err(Error::Other(format!(
            "{shown} is not a Safe: it has no contract code on chain {}, so it is an ordinary account \
             (or the wrong chain); pass the Safe's address as the Safe app shows it",
            chain.chain_id
        )));
    }
    let contract = ISafe::new(safe, &chain.provider);
    let not_a_safe = || {
        Error::Other(format!(
            "{shown} is a contract on chain {} but not a Safe: it does not answer getThreshold() and \
             getOwners() as a Safe does",
            chain.chain_id
        ))
    };
    let threshold = contract
        .getThreshold()
        .call()
        .await
        .map_err(|_| not_a_safe())?;
    let owners = contract
        .getOwners()
        .call()
        .await
        .map_err(|_| not_a_safe())?;
    let threshold = u64::try_from(threshold)
        .ok()
        .filter(|t| *t >= 1 && *t <= owners.len() as u64)
        .ok_or_else(|| {
            Error::Other(format!(
                "{shown} on chain {} answers a threshold of {threshold} with {} owners, which no Safe \
                 has: is it a Safe?",
                chain.chain_id,
                owners.len()
            ))
        })?;
    Ok(SafeSigners {
        safe,
        threshold,
        owners,
    })
}

/// The Transaction Builder version the files say they come from.
pub const TX_BUILDER_VERSION: &str = "1.18.0";

/// One transaction of a batch.
#[derive(Debug, Clone)]
pub struct SafeTx {
    to: Address,
    data: Bytes,
    function: Function,
    values: Vec<String>,
}

impl SafeTx {
    /// A call of `function` on `to` with `values` (one string per input, decimal numbers and
    /// 0x-hex as the Safe app expects), whose encoding is `data`.
    pub fn new(to: Address, function: Function, values: Vec<String>, data: Bytes) -> Result<Self> {
        if values.len() != function.inputs.len() {
            return Err(Error::Other(format!(
                "{} takes {} inputs, {} given",
                function.name,
                function.inputs.len(),
                values.len()
            )));
        }
        if data.get(..4) != Some(function.selector().as_slice()) {
            return Err(Error::Other(format!(
                "calldata does not call {}",
                function.signature()
            )));
        }
        Ok(Self {
            to,
            data,
            function,
            values,
        })
    }

    fn to_json(&self) -> Value {
        let inputs: Vec<Value> = self
            .function
            .inputs
            .iter()
            .map(|p| {
                json!({
                    "internalType": p.internal_type.as_ref().map_or_else(|| p.ty.clone(), |t| t.to_string()),
                    "name": p.name,
                    "type": p.ty,
                })
            })
            .collect();
        let mut values = Map::new();
        for (p, v) in self.function.inputs.iter().zip(&self.values) {
            values.insert(p.name.clone(), Value::String(v.clone()));
        }
        json!({
            "to": self.to.to_checksum(None),
            "value": "0",
            "data": self.data.to_string(),
            "contractMethod": {
                "inputs": inputs,
                "name": self.function.name,
                "payable": false,
            },
            "contractInputsValues": values,
        })
    }
}

/// Builds a batch for `safe` on `chain_id`; `created_at_ms` is unix milliseconds.
pub fn batch(
    chain_id: u64,
    safe: Address,
    name: &str,
    description: &str,
    created_at_ms: u64,
    txs: &[SafeTx],
) -> Value {
    let mut file = json!({
        "version": "1.0",
        "chainId": chain_id.to_string(),
        "createdAt": created_at_ms,
        "meta": {
            "name": name,
            "description": description,
            "txBuilderVersion": TX_BUILDER_VERSION,
            "createdFromSafeAddress": safe.to_checksum(None),
            "createdFromOwnerAddress": "",
        },
        "transactions": txs.iter().map(SafeTx::to_json).collect::<Vec<_>>(),
    });
    let sum = checksum(&file);
    file["meta"]["checksum"] = Value::String(sum);
    file
}

/// The Transaction Builder's checksum of a batch: keccak-256 of its canonical serialisation with
/// `meta.name` set to null and `meta.checksum` left out.
pub fn checksum(file: &Value) -> String {
    let mut copy = file.clone();
    if let Some(meta) = copy.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("checksum");
        meta.insert("name".into(), Value::Null);
    }
    let mut out = String::new();
    canonical(&copy, &mut out);
    keccak256(out.as_bytes()).to_string()
}

/// The Transaction Builder's serialisation: an object is `{` + its sorted keys as a JSON array,
/// then each value followed by a comma, then `}`; arrays are `[a,b]`; scalars are plain JSON.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            // JavaScript sorts by UTF-16 code units; for the ASCII keys used here that is byte order.
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            out.push_str(&serde_json::to_string(&keys).expect("strings serialise"));
            for key in keys {
                canonical(&map[key], out);
                out.push(',');
            }
            out.push('}');
        }
        scalar => out.push_str(&serde_json::to_string(scalar).expect("scalars serialise")),
    }
}

fn abi_of(text: &str) -> JsonAbi {
    #[derive(serde::Deserialize)]
    struct Artifact {
        abi: JsonAbi,
    }
    serde_json::from_str::<Artifact>(text)
        .expect("the committed ABI files parse")
        .abi
}

/// A function of the distributor's ABI by name (e.g. `postRoot`).
pub fn distributor_function(name: &str) -> Function {
    static ABI: OnceLock<JsonAbi> = OnceLock::new();
    let abi = ABI.get_or_init(|| abi_of(include_str!("../abi/PodiumDistributor.json")));
    abi.function(name)
        .and_then(|f| f.first())
        .cloned()
        .unwrap_or_else(|| panic!("no {name} in the distributor ABI"))
}

/// A function of the ERC20 ABI by name (e.g. `approve`), from OpenZeppelin's ERC20.
pub fn erc20_function(name: &str) -> Function {
    static ABI: OnceLock<JsonAbi> = OnceLock::new();
    let abi = ABI.get_or_init(|| abi_of(include_str!("../abi/TestToken.json")));
    abi.function(name)
        .and_then(|f| f.first())
        .cloned()
        .unwrap_or_else(|| panic!("no {name} in the ERC20 ABI"))
}

#[cfg(test)]
mod tests {
    use alloy::{
        primitives::{B256, U256},
        sol_types::SolCall,
    };

    use super::*;
    use crate::bindings::PodiumDistributor;

    #[test]
    fn canonical_form_matches_the_transaction_builder() {
        // Worked by hand from the Transaction Builder's algorithm.
        let mut out = String::new();
        canonical(
            &json!({"b": [1, "x"], "a": {"d": null, "c": true}}),
            &mut out,
        );
        assert_eq!(out, r#"{["a","b"]{["c","d"]true,null,},[1,"x"],}"#);
    }

    #[test]
    fn batch_has_the_fields_the_safe_app_reads() {
        let distributor = Address::repeat_byte(0x11);
        let safe = Address::repeat_byte(0x22);
        let root = B256::repeat_byte(0xab);
        let call = PodiumDistributor::postRootCall {
            round: U256::from(2),
            root,
            total: U256::from(5),
            uri: "ipfs://x".into(),
        };
        let tx = SafeTx::new(
            distributor,
            distributor_function("postRoot"),
            vec!["2".into(), root.to_string(), "5".into(), "ipfs://x".into()],
            call.abi_encode().into(),
        )
        .unwrap();
        let file = batch(42161, safe, "post", "round 2", 1_700_000_000_000, &[tx]);
        assert_eq!(file["version"], "1.0");
        assert_eq!(file["chainId"], "42161");
        assert_eq!(
            file["meta"]["createdFromSafeAddress"],
            safe.to_checksum(None)
        );
        let t = &file["transactions"][0];
        assert_eq!(t["to"], distributor.to_checksum(None));
        assert_eq!(t["value"], "0");
        assert_eq!(t["contractMethod"]["name"], "postRoot");
        assert_eq!(t["contractMethod"]["inputs"][1]["type"], "bytes32");
        assert_eq!(t["contractInputsValues"]["root"], root.to_string());
        assert_eq!(file["meta"]["checksum"], checksum(&file));
        // Any edit breaks the checksum.
        let mut edited = file.clone();
        edited["transactions"][0]["contractInputsValues"]["total"] = "6".into();
        assert_ne!(edited["meta"]["checksum"], checksum(&edited));
        // The name is not covered (the app lets people rename batches).
        let mut renamed = file.clone();
        renamed["meta"]["name"] = "another".into();
        assert_eq!(renamed["meta"]["checksum"], checksum(&renamed));
    }

    #[test]
    fn refuses_mismatched_calldata() {
        let err = SafeTx::new(
            Address::ZERO,
            distributor_function("sweep"),
            vec![],
            Bytes::from(vec![1, 2, 3, 4]),
        );
        assert!(err.is_err());
    }
}
