//! Formatting shared by the views: addresses, tables in the house style.

use alloy_primitives::Address;
use comfy_table::{CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// A table in the house style (the same as the podium CLI's other tables).
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

/// A checksummed address.
pub(crate) fn addr(a: &Address) -> String {
    a.to_checksum(None)
}
