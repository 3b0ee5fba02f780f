//! Value parsers shared by the subcommands' options, so each kind of value is read one way
//! everywhere (the option groups themselves are in [`super::tx`]).

/// The value parser of every address option (`--account`, `--safe`, `--bonding-manager`, …): a
/// mixed-case address must carry a valid checksum.
pub(crate) use podium_core::parse_address_arg as parse_addr;
