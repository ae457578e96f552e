//! The cache of company data from the VAT register: one row per tenant and NIP, with the
//! register's day of the answer. Ingest only enqueues (`pending`); the background lookup
//! ([`crate::vat`]) fills the rows, so a slow or exhausted register never blocks an agent.
//! The same rows carry the company's main activity from the REGON register ([`crate::regon`]),
//! with a status of its own.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, Row};

use super::query::CompanyView;
use super::{Store, StoreError, day, parse_day, ts};
use crate::store::TenantScope;

/// Most failed lookups before a NIP is left alone.
pub const MAX_ATTEMPTS: i64 = 5;

/// What the register said about one NIP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Found.
    Found {
        /// Registered name.
        name: String,
        /// `Czynny`, `Zwolniony`, `Niezarejestrowany`.
        status_vat: Option<String>,
        /// Working address, else residence address.
        address: Option<String>,
        /// REGON.
        regon: Option<String>,
        /// KRS.
        krs: Option<String>,
        /// The day the answer is true for.
        as_of: NaiveDate,
    },
    /// Not in the register on that day.
    NotFound {
        /// The day asked.
        as_of: NaiveDate,
    },
    /// The lookup failed; retried later.
    Error(String),
}

/// What the REGON register said about one NIP's activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectorAnswer {
    /// Registered.
    Found {
        /// Its REGON number.
        regon: String,
        /// The dominant PKD code as registered (`6201Z`); `None` when it lists none.
        pkd: Option<String>,
        /// The code's PKD section (A–U).
        sector: Option<char>,
    },
    /// Not in the register.
    NotFound,
    /// The lookup failed; retried later.
    Error(String),
}

impl Store {
    /// A company's cached data.
    pub async fn company(
        &self,
        tenant: &TenantScope,
        nip: &str,
    ) -> Result<Option<CompanyView>, StoreError> {
        let tenant_id = tenant.as_str();
        let row = sqlx::query("SELECT nip, status, name, status_vat, address, regon, krs, as_of, regon_status, pkd, sector \
             FROM companies WHERE tenant_id = $1 AND nip = $2")
            .bind(tenant_id)
            .bind(nip)
            .fetch_optional(self.pool())
            .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(CompanyView {
            nip: r.try_get(0)?,
            status: r.try_get(1)?,
            name: r.try_get(2)?,
            status_vat: r.try_get(3)?,
            address: r.try_get(4)?,
            regon: r.try_get(5)?,
            krs: r.try_get(6)?,
            as_of: r
                .try_get::<Option<String>, _>(7)?
                .as_deref()
                .map(parse_day)
                .transpose()?,
            regon_status: r.try_get(8)?,
            pkd: r.try_get(9)?,
            sector: r
                .try_get::<Option<String>, _>(10)?
                .and_then(|s| s.chars().next()),
        }))
    }

    /// Asks for a (re)lookup of a NIP.
    pub async fn request_company(&self, tenant: &TenantScope, nip: &str) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        sqlx::query(
            "INSERT INTO companies (tenant_id, nip, status, attempts) VALUES ($1, $2, 'pending', 0) \
             ON CONFLICT (tenant_id, nip) DO UPDATE SET status = 'pending', attempts = 0, \
             regon_status = 'pending', regon_attempts = 0",
        )
        .bind(tenant_id)
        .bind(nip)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// NIPs waiting for a lookup, across tenants: `(tenant_id, nip)`.
    pub async fn pending_companies(
        &self,
        limit: u32,
    ) -> Result<Vec<(TenantScope, String)>, StoreError> {
        self.pending_in(("status", "attempts"), limit).await
    }

    /// Stores a lookup's result.
    pub async fn save_company(
        &self,
        tenant: &TenantScope,
        nip: &str,
        result: &Lookup,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let q = match result {
            Lookup::Found { name, status_vat, address, regon, krs, as_of } => sqlx::query(
                "UPDATE companies SET status = 'found', name = $3, status_vat = $4, address = $5, regon = $6, krs = $7, \
                 as_of = $8, fetched_at = $9, last_error = NULL WHERE tenant_id = $1 AND nip = $2",
            )
            .bind(tenant_id)
            .bind(nip)
            .bind(name.clone())
            .bind(status_vat.clone())
            .bind(address.clone())
            .bind(regon.clone())
            .bind(krs.clone())
            .bind(day(*as_of))
            .bind(ts(now)),
            Lookup::NotFound { as_of } => sqlx::query(
                "UPDATE companies SET status = 'not_found', as_of = $3, fetched_at = $4, last_error = NULL WHERE tenant_id = $1 AND nip = $2",
            )
            .bind(tenant_id)
            .bind(nip)
            .bind(day(*as_of))
            .bind(ts(now)),
            Lookup::Error(e) => sqlx::query(
                "UPDATE companies SET status = 'error', attempts = attempts + 1, last_error = $3, fetched_at = $4 WHERE tenant_id = $1 AND nip = $2",
            )
            .bind(tenant_id)
            .bind(nip)
            .bind(e.clone())
            .bind(ts(now)),
        };
        q.execute(self.pool()).await?;
        Ok(())
    }

    /// NIPs waiting for their activity from the REGON register, across tenants.
    pub async fn pending_sectors(
        &self,
        limit: u32,
    ) -> Result<Vec<(TenantScope, String)>, StoreError> {
        self.pending_in(("regon_status", "regon_attempts"), limit)
            .await
    }

    /// NIPs pending (or failed fewer than [`MAX_ATTEMPTS`] times) in one register's
    /// `(status, attempts)` columns, fewest attempts first.
    async fn pending_in(
        &self,
        (status, attempts): (&'static str, &'static str),
        limit: u32,
    ) -> Result<Vec<(TenantScope, String)>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT tenant_id, nip FROM companies WHERE {status} = 'pending' \
             OR ({status} = 'error' AND {attempts} < $1) \
             ORDER BY {attempts}, tenant_id, nip LIMIT $2"
        )))
        .bind(MAX_ATTEMPTS)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((TenantScope::verified(r.try_get(0)?), r.try_get(1)?)))
            .collect()
    }

    /// Stores what the REGON register said about a NIP.
    pub async fn save_sector(
        &self,
        tenant: &TenantScope,
        nip: &str,
        answer: &SectorAnswer,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let q = match answer {
            SectorAnswer::Found { regon, pkd, sector } => sqlx::query(
                "UPDATE companies SET regon_status = 'found', regon = COALESCE(regon, $3), pkd = $4, \
                 sector = $5, regon_fetched_at = $6, regon_error = NULL WHERE tenant_id = $1 AND nip = $2",
            )
            .bind(tenant.as_str())
            .bind(nip)
            .bind(regon.clone())
            .bind(pkd.clone())
            .bind(sector.map(String::from))
            .bind(ts(now)),
            SectorAnswer::NotFound => sqlx::query(
                "UPDATE companies SET regon_status = 'not_found', pkd = NULL, sector = NULL, \
                 regon_fetched_at = $3, regon_error = NULL WHERE tenant_id = $1 AND nip = $2",
            )
            .bind(tenant.as_str())
            .bind(nip)
            .bind(ts(now)),
            SectorAnswer::Error(e) => sqlx::query(
                "UPDATE companies SET regon_status = 'error', regon_attempts = regon_attempts + 1, \
                 regon_error = $3, regon_fetched_at = $4 WHERE tenant_id = $1 AND nip = $2",
            )
            .bind(tenant.as_str())
            .bind(nip)
            .bind(e.clone())
            .bind(ts(now)),
        };
        q.execute(self.pool()).await?;
        Ok(())
    }
}
