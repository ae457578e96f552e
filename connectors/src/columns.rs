//! The output columns every profile returns (research §1.1) plus the optional part columns that
//! let a profile leave string composition to Rust (SQLite 3.40 and old SQL Servers have no
//! portable `CONCAT`), each with the byte cap of its fetch buffer.
//!
//! Caps are one byte above the longest value we accept, so a value that fills its buffer is
//! known to be too long: truncation is detected without a second round trip.

use inkaso_shared::records::MAX_TEXT;

/// A column the connector understands. Anything else a query returns is never bound or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Col {
    DebtorExternalId,
    DebtorName,
    DebtorNip,
    DebtorEmail,
    DebtorPhone,
    DebtorIsPerson,
    DebtorStreet,
    DebtorCity,
    DebtorPostcode,
    DocExternalId,
    DocNumber,
    IssueDate,
    DueDate,
    GrossAmount,
    RemainingAmount,
    Currency,
    ExcludedFlag,
    /// Second and third lines of a long name (Optima, XL `Knt_Nazwa2/3`), joined with a space.
    DebtorName2,
    DebtorName3,
    /// House and flat number when the ERP keeps them apart from the street.
    DebtorHouseNo,
    DebtorFlatNo,
    /// Parts of a document number the ERP does not store whole (XL): `SYMBOL-seq/yy/series`.
    DocNumberSymbol,
    DocNumberSeq,
    DocNumberYear,
    DocNumberSeries,
}

/// Number of [`Col`] variants.
pub const COL_COUNT: usize = 25;

/// Longest byte length of a UTF-8 text of [`MAX_TEXT`] characters.
const LONG_TEXT: usize = MAX_TEXT * 4;

impl Col {
    /// Every column, in the order of §1.1 then the part columns.
    pub const ALL: [Col; COL_COUNT] = [
        Col::DebtorExternalId,
        Col::DebtorName,
        Col::DebtorNip,
        Col::DebtorEmail,
        Col::DebtorPhone,
        Col::DebtorIsPerson,
        Col::DebtorStreet,
        Col::DebtorCity,
        Col::DebtorPostcode,
        Col::DocExternalId,
        Col::DocNumber,
        Col::IssueDate,
        Col::DueDate,
        Col::GrossAmount,
        Col::RemainingAmount,
        Col::Currency,
        Col::ExcludedFlag,
        Col::DebtorName2,
        Col::DebtorName3,
        Col::DebtorHouseNo,
        Col::DebtorFlatNo,
        Col::DocNumberSymbol,
        Col::DocNumberSeq,
        Col::DocNumberYear,
        Col::DocNumberSeries,
    ];

    /// The column's name in the query's result set (compared case-insensitively).
    pub fn name(self) -> &'static str {
        match self {
            Col::DebtorExternalId => "debtor_external_id",
            Col::DebtorName => "debtor_name",
            Col::DebtorNip => "debtor_nip",
            Col::DebtorEmail => "debtor_email",
            Col::DebtorPhone => "debtor_phone",
            Col::DebtorIsPerson => "debtor_is_person",
            Col::DebtorStreet => "debtor_street",
            Col::DebtorCity => "debtor_city",
            Col::DebtorPostcode => "debtor_postcode",
            Col::DocExternalId => "doc_external_id",
            Col::DocNumber => "doc_number",
            Col::IssueDate => "issue_date",
            Col::DueDate => "due_date",
            Col::GrossAmount => "gross_amount",
            Col::RemainingAmount => "remaining_amount",
            Col::Currency => "currency",
            Col::ExcludedFlag => "excluded_flag",
            Col::DebtorName2 => "debtor_name2",
            Col::DebtorName3 => "debtor_name3",
            Col::DebtorHouseNo => "debtor_house_no",
            Col::DebtorFlatNo => "debtor_flat_no",
            Col::DocNumberSymbol => "doc_number_symbol",
            Col::DocNumberSeq => "doc_number_seq",
            Col::DocNumberYear => "doc_number_year",
            Col::DocNumberSeries => "doc_number_series",
        }
    }

    /// Whether every query must return it. `doc_number` may be replaced by its parts.
    pub fn required(self) -> bool {
        (self as usize) < 17 && self != Col::DocNumber
    }

    /// The fetch buffer's size in bytes: one more than the longest value accepted.
    pub fn cap(self) -> usize {
        let longest = match self {
            Col::DebtorName | Col::DocNumber => LONG_TEXT,
            Col::DebtorName2
            | Col::DebtorName3
            | Col::DebtorStreet
            | Col::DebtorExternalId
            | Col::DocExternalId => MAX_TEXT,
            // RFC 5321 limits an address to 254 octets.
            Col::DebtorEmail => 254,
            Col::DebtorCity => 128,
            // Phones and NIPs are short; DECIMAL(19,4) renders in at most 21 characters and
            // a date with time in 27.
            Col::DebtorNip
            | Col::DebtorPhone
            | Col::IssueDate
            | Col::DueDate
            | Col::GrossAmount
            | Col::RemainingAmount
            | Col::DocNumberSeq
            | Col::DocNumberYear => 40,
            Col::DebtorPostcode
            | Col::DebtorHouseNo
            | Col::DebtorFlatNo
            | Col::DocNumberSymbol
            | Col::DocNumberSeries => 32,
            Col::Currency | Col::ExcludedFlag | Col::DebtorIsPerson => 16,
        };
        longest + 1
    }

    /// Looks a result-set column name up.
    pub fn from_name(name: &str) -> Option<Col> {
        let lower = name.trim().to_ascii_lowercase();
        Col::ALL.into_iter().find(|c| c.name() == lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventeen_required_minus_number() {
        let required: Vec<_> = Col::ALL.iter().filter(|c| c.required()).collect();
        assert_eq!(required.len(), 16);
        assert_eq!(Col::from_name("DEBTOR_NIP"), Some(Col::DebtorNip));
        assert_eq!(Col::from_name("regon"), None);
        for (i, c) in Col::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
    }
}
