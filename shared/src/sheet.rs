//! CSV for spreadsheets: every CSV file Inkaso writes (the posting book, the agent's daily
//! reports) goes through [`SheetWriter`], so that Polish Excel opens it as it is and no cell can
//! run as a formula.
//!
//! - UTF-8 with a byte-order mark (without it Excel reads Polish letters as cp1250 mojibake),
//!   `;` between cells (Polish Excel's list separator: a `,` file opens as one column), CRLF.
//! - **Formula injection**: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//!   return is a formula to Excel and LibreOffice (`=HYPERLINK(…)` in a partner's note would
//!   become a link that leaks data or runs a command). Such a cell is prefixed with `'`, which
//!   spreadsheets show as text and do not print. A plain number (`-12,50`) is left alone.
//!
//! Quoting is the `csv` crate's (a field with `;`, `"` or a line break is quoted).

use std::borrow::Cow;

/// Why a sheet could not be written (the writer targets memory, so this is rare).
#[derive(Debug, thiserror::Error)]
#[error("zapis CSV: {0}")]
pub struct SheetError(String);

/// A cell as a spreadsheet must get it: text that would start a formula gets a leading `'`.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let starts_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if starts_formula && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-12`, `-12,50`, `+3.5`: a sign, digits, at most one decimal separator.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let mut separators = 0;
    !digits.is_empty()
        && digits.chars().all(|c| {
            if c == ',' || c == '.' {
                separators += 1;
                separators == 1
            } else {
                c.is_ascii_digit()
            }
        })
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Writes rows into an in-memory CSV file for spreadsheets (see the module doc).
#[derive(Debug)]
pub struct SheetWriter {
    inner: csv::Writer<Vec<u8>>,
}

impl Default for SheetWriter {
    fn default() -> Self {
        SheetWriter::new()
    }
}

impl SheetWriter {
    /// An empty sheet (just the byte-order mark).
    pub fn new() -> Self {
        SheetWriter {
            inner: csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .from_writer("\u{feff}".as_bytes().to_vec()),
        }
    }

    /// Writes one row, every cell neutralised.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), SheetError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        self.inner
            .write_record(&cells)
            .map_err(|e| SheetError(e.to_string()))
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, SheetError> {
        self.inner
            .into_inner()
            .map_err(|e| SheetError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_and_text_are_not() {
        for (cell, shown) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+48 601", "'+48 601"),
            ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-12,50", "-12,50"),
            ("+3.5", "+3.5"),
            ("-", "'-"),
            ("-1,2,3", "'-1,2,3"),
            ("RR123456789PL", "RR123456789PL"),
            ("Zażółć = gęślą", "Zażółć = gęślą"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), shown, "{cell:?}");
        }
    }

    #[test]
    fn sheets_have_a_bom_semicolons_crlf_and_quoting() {
        let mut w = SheetWriter::new();
        w.row(["Lp.", "Uwagi"]).unwrap();
        w.row(["1", "=HYPERLINK(\"x\"); \"a\"\nb"]).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}Lp.;Uwagi\r\n1;\"'=HYPERLINK(\"\"x\"\"); \"\"a\"\"\nb\"\r\n"
        );
    }
}
