//! Rows for PostgreSQL's `COPY … FROM STDIN` in its text format: the fastest way to insert
//! many rows, used by ingest for rows the database does not hold yet.
//!
//! The text format is one line per row, columns separated by tabs, `\N` for NULL; a backslash,
//! tab, newline or carriage return inside a value is written as its backslash escape
//! (<https://www.postgresql.org/docs/current/sql-copy.html>, "Text Format"). Every value goes
//! through [`CopyText::text`], so a debtor's name with a tab in it cannot shift the columns.

use std::io::Write as _;

use sqlx::PgConnection;

use super::StoreError;

/// A `COPY` text-format body being built, row by row.
#[derive(Debug, Default)]
pub(crate) struct CopyText {
    buf: Vec<u8>,
    /// Whether the current row has a column yet (a tab goes before every other one).
    in_row: bool,
    rows: u64,
}

/// Data are sent in pieces of this size (the protocol's `CopyData` messages).
const PIECE: usize = 1 << 20;

impl CopyText {
    pub(crate) fn with_capacity(bytes: usize) -> CopyText {
        CopyText {
            buf: Vec::with_capacity(bytes),
            ..CopyText::default()
        }
    }

    fn separate(&mut self) {
        if self.in_row {
            self.buf.push(b'\t');
        }
        self.in_row = true;
    }

    /// A text column, escaped.
    pub(crate) fn text(&mut self, value: &str) -> &mut CopyText {
        self.separate();
        for &b in value.as_bytes() {
            match b {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                _ => self.buf.push(b),
            }
        }
        self
    }

    /// A text column or NULL.
    pub(crate) fn opt_text(&mut self, value: Option<&str>) -> &mut CopyText {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    /// An integer column.
    pub(crate) fn int(&mut self, value: i64) -> &mut CopyText {
        self.separate();
        // Writing to a Vec cannot fail.
        let _ = write!(self.buf, "{value}");
        self
    }

    /// An integer column or NULL.
    pub(crate) fn opt_int(&mut self, value: Option<i64>) -> &mut CopyText {
        match value {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    /// A NULL column.
    pub(crate) fn null(&mut self) -> &mut CopyText {
        self.separate();
        self.buf.extend_from_slice(b"\\N");
        self
    }

    /// Ends the current row.
    pub(crate) fn end_row(&mut self) {
        self.buf.push(b'\n');
        self.in_row = false;
        self.rows += 1;
    }

    /// Runs `statement` (a `COPY … FROM STDIN` in text format) with these rows on `c`; returns
    /// the rows PostgreSQL inserted. No rows, no statement.
    pub(crate) async fn send(
        self,
        c: &mut PgConnection,
        statement: &str,
    ) -> Result<u64, StoreError> {
        if self.rows == 0 {
            return Ok(0);
        }
        let mut copy = c.copy_in_raw(statement).await?;
        for piece in self.buf.chunks(PIECE) {
            if let Err(e) = copy.send(piece).await {
                // `abort` ends the COPY so the connection stays usable; the batch rolls back.
                let _ = copy.abort(e.to_string()).await;
                return Err(e.into());
            }
        }
        Ok(copy.finish().await?)
    }

    #[cfg(test)]
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf).unwrap_or("<not UTF-8>")
    }
}

#[cfg(test)]
mod tests {
    use super::CopyText;

    #[test]
    fn escapes_what_would_shift_columns_and_marks_nulls() {
        let mut t = CopyText::default();
        t.text("Kowalski\tJan")
            .text("a\\b")
            .text("wiersz\ndrugi\r")
            .opt_text(None)
            .int(-42)
            .opt_int(Some(7))
            .end_row();
        t.text("Łódź").null().end_row();
        assert_eq!(
            t.as_str(),
            "Kowalski\\tJan\ta\\\\b\twiersz\\ndrugi\\r\t\\N\t-42\t7\nŁódź\t\\N\n"
        );
        assert_eq!(t.rows, 2);
    }
}
