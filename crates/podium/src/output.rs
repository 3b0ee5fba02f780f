//! Shared printing: tables for people, JSON for scripts.

use alloy_primitives::{Address, U256};
use comfy_table::{CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use podium_core::TokenAmount;

/// A table in the house style.
pub(crate) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.iter().copied());
    t
}

/// Right-aligns the given columns (numbers).
pub(crate) fn align_right(t: &mut Table, columns: &[usize]) {
    for &c in columns {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// An amount in whole tokens, exact.
pub(crate) fn tokens(units: U256, decimals: u8) -> String {
    TokenAmount::from_units(units, decimals).to_string()
}

/// A checksummed address.
pub(crate) fn addr(a: &Address) -> String {
    a.to_checksum(None)
}

/// Prints a JSON value for scripts, one document on stdout.
pub(crate) fn print_json(v: &serde_json::Value) -> eyre::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}
