//! Text inputs as people hand them over: the one place that looks at a file's bytes before a parser
//! does.
//!
//! - A UTF-8 byte order mark (what Excel and Notepad put at the start of "UTF-8" files) is skipped:
//!   it is not part of the text, and JSON and TOML parsers stop at it with "expected value".
//! - A file saved as UTF-16 or UTF-32 (Windows' "Unicode") and a binary file (a spreadsheet, an
//!   archive, a PDF) are refused with a message that says which, instead of a parser's complaint
//!   about line 1, column 1.
//! - A JSON parse error gets a sentence for the values JSON does not have (`NaN`, `Infinity`), which
//!   serde_json reports only as "expected value".

use std::path::Path;

use crate::Error;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// `text` without a leading UTF-8 byte order mark, for inputs read as strings elsewhere (the program
/// file and the deployment record in `podium-chain`).
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Bytes looked at to tell a binary file from text.
const SNIFF: usize = 8192;

/// The text of an input file: `bytes` without a UTF-8 byte order mark, or an error naming `path`
/// when the file is UTF-16/UTF-32 or binary. `format` names what the file should be ("JSON",
/// "CSV", "TOML") in the message.
pub(crate) fn content<'a>(path: &Path, bytes: &'a [u8], format: &str) -> Result<&'a [u8], Error> {
    let not_text = |message: String| Error::NotText {
        path: path.to_owned(),
        message,
    };
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return Ok(rest);
    }
    for (bom, encoding) in [
        (&b"\xFF\xFE\x00\x00"[..], "UTF-32"),
        (b"\x00\x00\xFE\xFF", "UTF-32"),
        (b"\xFF\xFE", "UTF-16"),
        (b"\xFE\xFF", "UTF-16"),
    ] {
        if bytes.starts_with(bom) {
            return Err(not_text(format!(
                "the file is {encoding} text; save it as UTF-8 {format} and try again"
            )));
        }
    }
    let head = &bytes[..bytes.len().min(SNIFF)];
    if let Some(kind) = binary_kind(head) {
        return Err(not_text(format!(
            "the file is {kind}, not {format} text: export or save it as {format}"
        )));
    }
    Ok(bytes)
}

/// What a binary file is, when its first bytes say so; `None` for text.
fn binary_kind(head: &[u8]) -> Option<String> {
    for (magic, kind) in [
        (
            &b"PK\x03\x04"[..],
            "a ZIP archive (an .xlsx or .ods spreadsheet is one)",
        ),
        (b"\x1F\x8B", "gzip-compressed"),
        (b"%PDF", "a PDF document"),
        (b"\xD0\xCF\x11\xE0", "an old Office document (.xls)"),
    ] {
        if head.starts_with(magic) {
            return Some(kind.to_owned());
        }
    }
    // Text files never hold NUL bytes (git and grep decide the same way).
    head.contains(&0).then(|| {
        let shown: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("binary (it starts with bytes {})", shown.join(" "))
    })
}

/// A JSON error in `bytes` (the text of `path`) as an [`Error::Json`], with line and column, and a
/// plain sentence where serde_json's own message would not help.
pub(crate) fn json_error(path: &Path, bytes: &[u8], e: &serde_json::Error) -> Error {
    let mut error = Error::json(path, e);
    if let Error::Json {
        line,
        column,
        message,
        ..
    } = &mut error
        && let Some(word) = non_json_number(bytes, *line, *column)
    {
        *message = format!(
            "{word} is not a number JSON allows; write a number (such as 0.5) or leave the entry out"
        );
    }
    error
}

/// `NaN` or `Infinity` (as JavaScript and Python write them) at 1-based `line` and `column`.
fn non_json_number(bytes: &[u8], line: usize, column: usize) -> Option<&'static str> {
    let start = bytes
        .split(|b| *b == b'\n')
        .nth(line.checked_sub(1)?)
        .map(|l| l.as_ptr() as usize - bytes.as_ptr() as usize)?;
    // serde_json points at the first byte it could not take, or the one after.
    let here = start + column.saturating_sub(1);
    [here, here.saturating_sub(1)].into_iter().find_map(|at| {
        let rest = bytes.get(at..)?;
        let rest = rest.strip_prefix(b"-").unwrap_or(rest);
        ["NaN", "Infinity", "inf", "nan"]
            .into_iter()
            .find(|w| rest.starts_with(w.as_bytes()))
            .map(|w| match w {
                "NaN" | "nan" => "NaN",
                _ => "Infinity",
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(bytes: &[u8], format: &str) -> String {
        content(Path::new("x"), bytes, format)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn skips_a_utf8_bom_and_keeps_the_rest() {
        assert_eq!(
            content(Path::new("x"), b"\xEF\xBB\xBF{}", "JSON").unwrap(),
            b"{}"
        );
        assert_eq!(content(Path::new("x"), b"{}", "JSON").unwrap(), b"{}");
    }

    #[test]
    fn names_utf16_and_binary_files() {
        assert!(message(b"\xFF\xFEa\x00", "CSV").contains("UTF-16"));
        assert!(message(b"PK\x03\x04rest", "CSV").contains("ZIP archive"));
        assert!(message(b"\x00\x01\x02", "JSON").contains("the file is binary"));
    }

    #[test]
    fn explains_nan_and_infinity() {
        for text in ["{\"a\": NaN}", "{\"a\":\n  -Infinity}", "[1, nan]"] {
            let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
            let msg = json_error(Path::new("x"), text.as_bytes(), &e).to_string();
            assert!(msg.contains("is not a number JSON allows"), "{text}: {msg}");
        }
    }
}
