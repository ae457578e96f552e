//! SQL Server readiness: every shipped profile's query, exactly as the agent sends it (markers
//! expanded, with and without the firm's "do not collect" markers configured), parses as T-SQL
//! (sqlparser's MsSql dialect) and uses none of what the other engines accept and SQL Server
//! refuses: `LIMIT`, `||` concatenation, `::` casts, `ILIKE`, `TRUE`/`FALSE`, `NULLS FIRST`.
//!
//! Why here: our ODBC tests run the queries on SQLite and PostgreSQL, while the real ERPs'
//! databases are SQL Server; a query SQL Server would refuse must fail in `make test`, not at
//! a firm.

use std::ops::ControlFlow;

use inkaso_connectors::{ProfileKind, ProfileSettings};
use sqlparser::ast::{BinaryOperator, CastKind, Expr, Query, Statement, Value, Visit, Visitor};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::Parser;

/// What SQL Server refuses in a statement that parses, one line per finding.
#[derive(Default)]
struct TsqlLint {
    found: Vec<String>,
}

impl Visitor for TsqlLint {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if query.limit_clause.is_some() {
            self.found
                .push("LIMIT (T-SQL: TOP or OFFSET … FETCH)".into());
        }
        if let Some(order) = &query.order_by
            && format!("{order}").contains("NULLS ")
        {
            self.found.push("NULLS FIRST/LAST in ORDER BY".into());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::BinaryOp {
                op: BinaryOperator::StringConcat,
                ..
            } => self.found.push(format!("|| concatenation: {expr}")),
            Expr::Cast {
                kind: CastKind::DoubleColon,
                ..
            } => self.found.push(format!(":: cast: {expr}")),
            Expr::ILike { .. } => self.found.push(format!("ILIKE: {expr}")),
            Expr::Value(v) if matches!(v.value, Value::Boolean(_)) => {
                self.found.push(format!("boolean literal: {expr}"));
            }
            // T-SQL has no TRUE/FALSE: its parser reads them as column names.
            Expr::Identifier(id)
                if id.quote_style.is_none()
                    && ["true", "false"]
                        .iter()
                        .any(|b| id.value.eq_ignore_ascii_case(b)) =>
            {
                self.found.push(format!("boolean literal: {expr}"));
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// Parses `sql` as T-SQL: one query, and what SQL Server would refuse in it.
fn tsql(sql: &str) -> Result<Vec<String>, String> {
    let statements = Parser::parse_sql(&MsSqlDialect {}, sql).map_err(|e| e.to_string())?;
    let [statement @ Statement::Query(_)] = statements.as_slice() else {
        return Err(format!("not one query: {statements:?}"));
    };
    let mut lint = TsqlLint::default();
    let _ = statement.visit(&mut lint);
    Ok(lint.found)
}

/// The profile's settings as shipped (nothing configured) and with every marker configured.
fn variants(kind: ProfileKind) -> [ProfileSettings; 2] {
    let plain = ProfileSettings {
        kind: Some(kind),
        experimental: true,
        ..ProfileSettings::default()
    };
    let configured = ProfileSettings {
        debtor_flag_ids: vec![3, 4],
        document_flag_ids: vec![5],
        debtor_attribute_ids: vec![7],
        document_attribute_codes: vec!["NIE_WINDYKOWAC".into(), "SPORNE".into()],
        company_id: Some(2),
        ..plain.clone()
    };
    [plain, configured]
}

#[test]
fn every_profile_query_parses_as_tsql() {
    let mut checked = 0;
    for kind in ProfileKind::ALL {
        if kind == ProfileKind::Custom {
            continue;
        }
        for settings in variants(kind) {
            let prepared = settings.prepare().unwrap();
            let found = tsql(&prepared.sql)
                .unwrap_or_else(|e| panic!("{}: not T-SQL: {e}\n{}", kind.name(), prepared.sql));
            assert!(
                found.is_empty(),
                "{}: SQL Server would refuse {found:?}\n{}",
                kind.name(),
                prepared.sql
            );
            let placeholders = prepared.sql.matches('?').count();
            assert_eq!(
                placeholders,
                prepared.params.len(),
                "{}: every ? has its value",
                kind.name()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 14, "seven profiles, two variants each");
}

#[test]
fn the_check_catches_what_sql_server_refuses() {
    for (sql, what) in [
        ("SELECT a FROM t LIMIT 10", "LIMIT"),
        ("SELECT a || b FROM t", "||"),
        ("SELECT a::int FROM t", "::"),
        ("SELECT a FROM t WHERE b ILIKE 'x%'", "ILIKE"),
        ("SELECT a FROM t WHERE b = TRUE", "boolean"),
        ("SELECT a FROM t ORDER BY a NULLS FIRST", "NULLS"),
    ] {
        let found = tsql(sql).unwrap_or_else(|e| vec![format!("does not parse: {e}")]);
        assert!(
            found
                .iter()
                .any(|f| f.contains(what) || f.contains("does not parse")),
            "{sql}: {found:?}"
        );
    }
    assert!(
        tsql("SELECT TOP 10 a FROM t WHERE b IN (?, ?)")
            .unwrap()
            .is_empty()
    );
    assert!(tsql("SELECT FROM WHERE").is_err());
}
