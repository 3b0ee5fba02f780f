//! The house style of the tables people read in a terminal (`podium`, `podium report`, `podium-claim`):
//! one place, so the three tools draw the same table.

use comfy_table::{CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// A table in the house style: thin UTF-8 rules, columns fitted to the terminal, the given header.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.iter().copied());
    t
}

/// Right-aligns the given columns (numbers).
pub fn align_right(t: &mut Table, columns: &[usize]) {
    for &c in columns {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_header_and_right_aligns_numbers() {
        let mut t = table(&["Round", "Amount"]);
        t.add_row(["1", "7"]);
        t.add_row(["22", "7000"]);
        align_right(&mut t, &[1]);
        let text = t.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "│ Round ┆ Amount │", "{text}");
        assert_eq!(
            lines[3], "│ 1     ┆      7 │",
            "numbers right, text left: {text}"
        );
        assert_eq!(lines[4], "│ 22    ┆   7000 │", "{text}");
    }
}
