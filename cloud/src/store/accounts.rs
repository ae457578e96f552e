//! Accounts: tenants (client firms and partner law firms), users with roles, agents and their
//! tokens, API tokens, portal sessions, and the audit log of who changed what.
//!
//! Secrets (agent and API tokens, session cookies) are 256-bit random values shown once; only
//! their SHA-256 is stored (enough for random secrets: nothing to brute-force). Each secret
//! carries its tenant's and its own id in clear, so finding it is a primary-key lookup with
//! `tenant_id` first, and revocation is seen by the very next request.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::query::{Page, Sql, decode_cursor, encode_cursor, page_limit};
use super::security::{ThrottleKind, ThrottlePolicy};
use super::{Store, StoreError, new_id, parse_ts, random_bytes, ts};
use crate::domain::ids::{AgentId, PartnerId, TenantId};
use crate::store::TenantScope;

pub use crate::domain::accounts::{Role, TenantKind};

/// A tenant as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tenant {
    /// Its id.
    pub id: TenantId,
    /// `client` or `partner`.
    pub kind: String,
    /// Its display name.
    pub name: String,
}

/// An agent authenticated by its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPrincipal {
    /// The tenant.
    pub tenant: TenantScope,
    /// The tenant's name.
    pub tenant_name: String,
    /// The agent.
    pub agent: AgentId,
    /// The agent's name.
    pub agent_name: String,
}

/// A person or program authenticated for the client API (or, for a partner tenant, the
/// partner API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPrincipal {
    /// The tenant.
    pub tenant: TenantScope,
    /// A client firm or a partner law firm: each has its own API and never reaches the other.
    pub tenant_kind: TenantKind,
    /// What it may do.
    pub role: Role,
    /// For the audit log: `user:<id>` or `token:<id>`.
    pub actor: String,
}

/// Why a secret was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// Malformed or unknown.
    Unknown,
    /// It was revoked (or the session expired).
    Revoked,
}

/// A newly created agent: the token is shown once.
#[derive(Debug, Clone)]
pub struct NewSecret {
    /// The created record's id.
    pub id: String,
    /// The secret, never stored.
    pub secret: String,
}

const AGENT_PREFIX: &str = "inka";
const API_PREFIX: &str = "inkc";
const SESSION_PREFIX: &str = "inks";
/// How long a portal session lives at most.
pub const SESSION_HOURS: i64 = 12;
/// A session nobody used for this long has ended (a shared office PC left logged in).
pub const SESSION_IDLE_MINUTES: i64 = 60;
/// How long the choice between several firms' accounts waits after the password was checked.
const CHOICE_MINUTES: i64 = 5;
/// Most accounts one e-mail address is checked against at login.
const MAX_ACCOUNTS_PER_EMAIL: i64 = 20;
const CHOICE_PREFIX: &str = "inkl";

pub(super) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// `prefix_tenant_id_secret`: the ids let the server find the record by primary key.
fn make_secret(prefix: &str, tenant_id: &str, id: &str) -> String {
    format!(
        "{prefix}_{tenant_id}_{id}_{}",
        hex::encode(random_bytes::<32>())
    )
}

/// Splits a secret made by [`make_secret`]; `None` when malformed.
fn split_secret<'a>(prefix: &str, secret: &'a str) -> Option<(&'a str, &'a str)> {
    let mut parts = secret.trim().split('_');
    let (p, tenant, id, rand) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hexish =
        |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    (parts.next().is_none()
        && p == prefix
        && hexish(tenant)
        && hexish(id)
        && rand.len() == 64
        && hexish(rand))
    .then_some((tenant, id))
}

/// Constant-time comparison of two hex digests (no early exit on the first difference).
pub(super) fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Refuses a password too short to resist guessing.
pub fn check_password_rules(password: &str) -> Result<(), StoreError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::invalid(
            "password",
            "err-store-password-short",
            &[("min", MIN_PASSWORD_CHARS.into())],
        ));
    }
    Ok(())
}

/// An argon2id hash of a password (PHC string).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt_bytes = random_bytes::<16>();
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| StoreError::Config(format!("sól hasła: {e}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Config(format!("skrót hasła: {e}")))
}

/// An argon2id hash of no one's password, checked when the account does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$3Q1hSxkzQbMHSBqXZkT3jQ4uT3oQbJqkMzXS3kW4QqQ";

/// What a login attempt came to.
#[derive(Debug)]
pub enum LoginOutcome {
    /// A session was opened.
    Opened(NewSecret),
    /// Wrong e-mail or password (or a disabled user).
    Wrong,
    /// Too many failures: refused until then without looking at the password.
    Locked {
        /// When the next attempt will be looked at.
        until: DateTime<Utc>,
    },
    /// Too many password checks at once: try again in a moment.
    Busy,
}

/// What a login by e-mail alone came to.
#[derive(Debug)]
pub enum EmailLogin {
    /// One account matched: its session.
    Opened(NewSecret),
    /// Several firms' accounts matched: the person chooses one with this secret (used once,
    /// for a few minutes).
    Choose {
        /// Shown to the browser in the choice form.
        secret: String,
        /// The firms to choose from, by name.
        firms: Vec<Tenant>,
    },
    /// Wrong e-mail or password (or a disabled user).
    Wrong,
    /// Too many failures: refused until then without looking at the password.
    Locked {
        /// When the next attempt will be looked at.
        until: DateTime<Utc>,
    },
    /// Too many password checks at once: try again in a moment.
    Busy,
}

/// An active user account an e-mail address has in one firm.
struct Account {
    user_id: String,
    password_hash: String,
    firm: Tenant,
}

/// A portal session: who, of which firm, in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSession {
    /// What the person may do, in which tenant.
    pub principal: ClientPrincipal,
    /// The session's own id (kept when the password changes; the others end).
    pub session_id: String,
    /// The user.
    pub user_id: String,
    /// The user's e-mail.
    pub email: String,
    /// The firm's name.
    pub tenant_name: String,
    /// The user's language (`pl`, `en`).
    pub lang: String,
}

/// Whether `password` matches a stored PHC hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(phc).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A random password for a user created without one (printed once).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<20>()
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

impl Store {
    /// Creates a tenant.
    pub async fn create_tenant(
        &self,
        kind: TenantKind,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Tenant, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("name", "err-store-name-empty", &[]));
        }
        let id = new_id();
        let kind = kind.as_str();
        sqlx::query(
            "INSERT INTO tenants (tenant_id, kind, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(kind)
        .bind(name)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        let scope = TenantScope::verified(TenantId::new(id));
        self.audit(
            &scope,
            "cli",
            "tenant.create",
            scope.as_str(),
            &format!("{kind}: {name}"),
            now,
        )
        .await?;
        Ok(Tenant {
            id: scope.id().clone(),
            kind: kind.to_owned(),
            name: name.to_owned(),
        })
    }

    /// A tenant by id.
    pub async fn tenant(&self, tenant: &TenantScope) -> Result<Tenant, StoreError> {
        self.tenant_by_id(tenant.as_str()).await
    }

    /// Any tenant by id (a partner a client names, a tenant an operator names).
    async fn tenant_by_id(&self, tenant_id: &str) -> Result<Tenant, StoreError> {
        let row = sqlx::query("SELECT tenant_id, kind, name FROM tenants WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("err-what-firm", &[("id", tenant_id.into())]))?;
        Ok(Tenant {
            id: TenantId::new(row.try_get::<String, _>(0)?),
            kind: row.try_get(1)?,
            name: row.try_get(2)?,
        })
    }

    /// Links a partner law firm to a client tenant.
    pub async fn link_partner(
        &self,
        tenant: &TenantScope,
        partner: &PartnerId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let partner_id = partner.as_str();
        let partner = self.tenant_by_id(partner_id).await?;
        if partner.kind != "partner" {
            return Err(StoreError::invalid(
                "partner",
                "err-store-not-a-partner",
                &[],
            ));
        }
        self.tenant(tenant).await?;
        sqlx::query("INSERT INTO tenant_partners (tenant_id, partner_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(tenant_id)
            .bind(partner_id)
            .bind(ts(now))
            .execute(self.pool())
            .await?;
        self.audit(
            tenant,
            "cli",
            "partner.link",
            partner_id,
            &partner.name,
            now,
        )
        .await
    }

    /// Adds a user; the e-mail is unique within the tenant.
    pub async fn add_user(
        &self,
        tenant: &TenantScope,
        email: &inkaso_shared::Email,
        role: Role,
        password: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let tenant_id = tenant.as_str();
        self.tenant(tenant).await?;
        check_password_rules(password)?;
        let email_lc = email.as_str().to_lowercase();
        let exists = sqlx::query("SELECT 1 FROM users WHERE tenant_id = $1 AND email = $2")
            .bind(tenant_id)
            .bind(&email_lc)
            .fetch_optional(self.pool())
            .await?;
        if exists.is_some() {
            return Err(StoreError::conflict(
                "err-store-user-exists",
                &[("email", email.as_str().into())],
            ));
        }
        let id = new_id();
        let password = password.to_owned();
        let hash = self
            .passwords()
            .run(move || hash_password(&password))
            .await
            .map_err(|_| StoreError::conflict("err-store-passwords-busy-hashing", &[]))??;
        sqlx::query("INSERT INTO users (tenant_id, user_id, email, password_hash, role, disabled, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6)")
            .bind(tenant_id)
            .bind(&id)
            .bind(&email_lc)
            .bind(hash)
            .bind(role.as_str())
            .bind(ts(now))
            .execute(self.pool())
            .await?;
        self.audit(
            tenant,
            actor,
            "user.add",
            &id,
            &format!("{} ({})", email.as_str(), role.as_str()),
            now,
        )
        .await?;
        Ok(id)
    }

    /// Creates an agent and its token (returned once).
    pub async fn create_agent(
        &self,
        tenant: &TenantScope,
        name: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<NewSecret, StoreError> {
        let tenant_id = tenant.as_str();
        if self.tenant(tenant).await?.kind != "client" {
            return Err(StoreError::invalid(
                "tenant",
                "err-store-agent-of-partner",
                &[],
            ));
        }
        let id = new_id();
        let secret = make_secret(AGENT_PREFIX, tenant_id, &id);
        sqlx::query("INSERT INTO agents (tenant_id, agent_id, name, token_hash, created_at, next_seq, feed_acked) VALUES ($1, $2, $3, $4, $5, 1, 0)")
            .bind(tenant_id)
            .bind(&id)
            .bind(name.trim())
            .bind(sha256_hex(&secret))
            .bind(ts(now))
            .execute(self.pool())
            .await?;
        self.audit(tenant, actor, "agent.create", &id, name.trim(), now)
            .await?;
        Ok(NewSecret { id, secret })
    }

    /// A new token for an existing agent (returned once): the old token stops working at once,
    /// the agent keeps its id, its batch sequence and its place in the results feed, so the
    /// agent carries on where it was with the new token pasted in. A revoked agent is
    /// reinstated this way.
    pub async fn rotate_agent_token(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<NewSecret, StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let secret = make_secret(AGENT_PREFIX, tenant_id, agent_id);
        let r = sqlx::query(
            "UPDATE agents SET token_hash = $3, revoked_at = NULL WHERE tenant_id = $1 AND agent_id = $2",
        )
        .bind(tenant_id)
        .bind(agent_id)
        .bind(sha256_hex(&secret))
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "err-what-agent",
                &[("id", agent_id.into())],
            ));
        }
        self.audit(tenant, actor, "agent.rotate", agent_id, "", now)
            .await?;
        Ok(NewSecret {
            id: agent_id.to_owned(),
            secret,
        })
    }

    /// Revokes an agent's token; its next request is refused.
    pub async fn revoke_agent(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let r = sqlx::query("UPDATE agents SET revoked_at = $3 WHERE tenant_id = $1 AND agent_id = $2 AND revoked_at IS NULL")
            .bind(tenant_id)
            .bind(agent_id)
            .bind(ts(now))
            .execute(self.pool())
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "err-what-agent-or-revoked",
                &[("id", agent_id.into())],
            ));
        }
        self.audit(tenant, actor, "agent.revoke", agent_id, "", now)
            .await
    }

    /// Creates an API token for programs using the client API.
    pub async fn create_api_token(
        &self,
        tenant: &TenantScope,
        name: &str,
        role: Role,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<NewSecret, StoreError> {
        let tenant_id = tenant.as_str();
        self.tenant(tenant).await?;
        let id = new_id();
        let secret = make_secret(API_PREFIX, tenant_id, &id);
        sqlx::query("INSERT INTO api_tokens (tenant_id, token_id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(tenant_id)
            .bind(&id)
            .bind(name.trim())
            .bind(role.as_str())
            .bind(sha256_hex(&secret))
            .bind(ts(now))
            .execute(self.pool())
            .await?;
        self.audit(
            tenant,
            actor,
            "api_token.create",
            &id,
            &format!("{} ({})", name.trim(), role.as_str()),
            now,
        )
        .await?;
        Ok(NewSecret { id, secret })
    }

    /// Revokes an API token.
    pub async fn revoke_api_token(
        &self,
        tenant: &TenantScope,
        token_id: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let r = sqlx::query("UPDATE api_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND token_id = $2 AND revoked_at IS NULL")
            .bind(tenant_id)
            .bind(token_id)
            .bind(ts(now))
            .execute(self.pool())
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "err-what-token",
                &[("id", token_id.into())],
            ));
        }
        self.audit(tenant, actor, "api_token.revoke", token_id, "", now)
            .await
    }

    /// The firm's API tokens (never their secrets), newest first, revoked ones included.
    pub async fn api_tokens(&self, tenant: &TenantScope) -> Result<Vec<ApiTokenView>, StoreError> {
        let rows = sqlx::query(
            "SELECT token_id, name, role, created_at, revoked_at FROM api_tokens WHERE tenant_id = $1 \
             ORDER BY created_at DESC, token_id",
        )
        .bind(tenant.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get(2)?;
                Ok(ApiTokenView {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    role: role
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("rola tokenu: {role}")))?,
                    created_at: parse_ts(&r.try_get::<String, _>(3)?)?,
                    revoked_at: r
                        .try_get::<Option<String>, _>(4)?
                        .as_deref()
                        .map(parse_ts)
                        .transpose()?,
                })
            })
            .collect()
    }

    /// The agent an `Authorization: Bearer` token speaks for.
    pub async fn authenticate_agent(
        &self,
        token: &str,
    ) -> Result<Result<AgentPrincipal, AuthFailure>, StoreError> {
        let Some((tenant_id, agent_id)) = split_secret(AGENT_PREFIX, token) else {
            return Ok(Err(AuthFailure::Unknown));
        };
        let row = sqlx::query(
            "SELECT a.token_hash, a.revoked_at, a.name, t.name FROM agents a JOIN tenants t ON t.tenant_id = a.tenant_id \
             WHERE a.tenant_id = $1 AND a.agent_id = $2",
        )
        .bind(tenant_id)
        .bind(agent_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(Err(AuthFailure::Unknown));
        };
        let hash: String = row.try_get(0)?;
        if !same_digest(&hash, &sha256_hex(token.trim())) {
            return Ok(Err(AuthFailure::Unknown));
        }
        if row.try_get::<Option<String>, _>(1)?.is_some() {
            return Ok(Err(AuthFailure::Revoked));
        }
        Ok(Ok(AgentPrincipal {
            tenant: TenantScope::verified(TenantId::new(tenant_id)),
            agent: AgentId::new(agent_id),
            agent_name: row.try_get(2)?,
            tenant_name: row.try_get(3)?,
        }))
    }

    /// The principal of an API token.
    pub async fn authenticate_api_token(
        &self,
        token: &str,
    ) -> Result<Result<ClientPrincipal, AuthFailure>, StoreError> {
        let Some((tenant_id, token_id)) = split_secret(API_PREFIX, token) else {
            return Ok(Err(AuthFailure::Unknown));
        };
        let row = sqlx::query(
            "SELECT k.token_hash, k.revoked_at, k.role, t.kind FROM api_tokens k JOIN tenants t ON t.tenant_id = k.tenant_id \
             WHERE k.tenant_id = $1 AND k.token_id = $2",
        )
            .bind(tenant_id)
            .bind(token_id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Ok(Err(AuthFailure::Unknown));
        };
        if !same_digest(&row.try_get::<String, _>(0)?, &sha256_hex(token.trim())) {
            return Ok(Err(AuthFailure::Unknown));
        }
        if row.try_get::<Option<String>, _>(1)?.is_some() {
            return Ok(Err(AuthFailure::Revoked));
        }
        let role: String = row.try_get(2)?;
        Ok(Ok(ClientPrincipal {
            tenant: TenantScope::verified(TenantId::new(tenant_id)),
            tenant_kind: TenantKind::of_stored(&row.try_get::<String, _>(3)?),
            role: role.parse()?,
            actor: format!("token:{token_id}"),
        }))
    }

    /// Checks a user's password and opens a session, throttled per client `address` and per
    /// account (see [`super::security`]): a locked subject is refused before the password is
    /// looked at, every failure is counted and written to the tenant's audit log, and the
    /// argon2 check runs on a blocking thread behind the store's password gate.
    pub async fn login(
        &self,
        tenant: &TenantId,
        email: &str,
        password: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<LoginOutcome, StoreError> {
        let tenant_id = tenant.as_str();
        let email = email.trim().to_lowercase();
        let account = format!("{tenant_id}/{email}");
        let subjects = [
            (ThrottleKind::Address, address),
            (ThrottleKind::Account, account.as_str()),
        ];
        if let Some(until) = self.login_locked_until(&subjects, now).await? {
            self.audit_login_failure(tenant_id, &email, address, "zablokowane", now)
                .await?;
            return Ok(LoginOutcome::Locked { until });
        }
        let row = sqlx::query("SELECT user_id, password_hash, disabled FROM users WHERE tenant_id = $1 AND email = $2")
            .bind(tenant_id)
            .bind(&email)
            .fetch_optional(self.pool())
            .await?;
        // Without a user, spend the same time as a real check so the answer does not reveal
        // who exists.
        let (user_id, hash, disabled) = match &row {
            Some(r) => (
                Some(r.try_get::<String, _>(0)?),
                r.try_get::<String, _>(1)?,
                r.try_get::<i64, _>(2)? != 0,
            ),
            None => (None, DUMMY_HASH.to_owned(), true),
        };
        let password = password.to_owned();
        let Ok(matches) = self
            .passwords()
            .run(move || verify_password(&password, &hash))
            .await
        else {
            return Ok(LoginOutcome::Busy);
        };
        let Some(user_id) = user_id.filter(|_| matches && !disabled) else {
            let locked = self.count_login_failure(&subjects, now).await?;
            self.audit_login_failure(tenant_id, &email, address, "złe hasło", now)
                .await?;
            return Ok(match locked {
                Some(until) => LoginOutcome::Locked { until },
                None => LoginOutcome::Wrong,
            });
        };
        self.login_succeeded(&account).await?;
        Ok(LoginOutcome::Opened(
            self.open_session(tenant_id, &user_id, now).await?,
        ))
    }

    /// Counts a failed password against each subject; the latest lock-out it caused, if any.
    async fn count_login_failure(
        &self,
        subjects: &[(ThrottleKind, &str)],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let policy = ThrottlePolicy::default();
        let mut locked = None;
        for (kind, subject) in subjects {
            locked = locked.max(self.login_failed(*kind, subject, &policy, now).await?);
        }
        Ok(locked)
    }

    /// A new session for a user whose password was just checked.
    async fn open_session(
        &self,
        tenant_id: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<NewSecret, StoreError> {
        let id = new_id();
        let secret = make_secret(SESSION_PREFIX, tenant_id, &id);
        sqlx::query("INSERT INTO sessions (tenant_id, session_id, user_id, secret_hash, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $5)")
            .bind(tenant_id)
            .bind(&id)
            .bind(user_id)
            .bind(sha256_hex(&secret))
            .bind(ts(now))
            .bind(ts(now + Duration::hours(SESSION_HOURS)))
            .execute(self.pool())
            .await?;
        self.audit(
            &TenantScope::verified(TenantId::new(tenant_id)),
            &format!("user:{user_id}"),
            "session.login",
            &id,
            "",
            now,
        )
        .await?;
        Ok(NewSecret { id, secret })
    }

    /// Checks a password against every active account of an e-mail address (a person may work
    /// for several firms) and opens a session when exactly one matches; when several do, the
    /// person chooses ([`Store::choose_login`]). Throttled like [`Store::login`], per address
    /// and per e-mail; failures are written to the audit log of each firm the address has an
    /// account in.
    pub async fn login_by_email(
        &self,
        email: &str,
        password: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<EmailLogin, StoreError> {
        let email = email.trim().to_lowercase();
        let account = format!("*/{email}");
        let subjects = [
            (ThrottleKind::Address, address),
            (ThrottleKind::Account, account.as_str()),
        ];
        let rows = sqlx::query(
            "SELECT u.tenant_id, u.user_id, u.password_hash, t.kind, t.name FROM users u \
             JOIN tenants t ON t.tenant_id = u.tenant_id \
             WHERE u.email = $1 AND u.disabled = 0 ORDER BY t.name, u.tenant_id LIMIT $2",
        )
        .bind(&email)
        .bind(MAX_ACCOUNTS_PER_EMAIL)
        .fetch_all(self.pool())
        .await?;
        let accounts = rows
            .iter()
            .map(|r| {
                Ok(Account {
                    user_id: r.try_get(1)?,
                    password_hash: r.try_get(2)?,
                    firm: Tenant {
                        id: TenantId::new(r.try_get::<String, _>(0)?),
                        kind: r.try_get(3)?,
                        name: r.try_get(4)?,
                    },
                })
            })
            .collect::<Result<Vec<Account>, StoreError>>()?;
        if let Some(until) = self.login_locked_until(&subjects, now).await? {
            for a in &accounts {
                self.audit_login_failure(a.firm.id.as_str(), &email, address, "zablokowane", now)
                    .await?;
            }
            return Ok(EmailLogin::Locked { until });
        }
        // Without an account, spend the time of one real check so the answer does not reveal
        // who exists.
        let hashes: Vec<String> = if accounts.is_empty() {
            vec![DUMMY_HASH.to_owned()]
        } else {
            accounts.iter().map(|a| a.password_hash.clone()).collect()
        };
        let password = password.to_owned();
        let Ok(matches) = self
            .passwords()
            .run(move || {
                hashes
                    .iter()
                    .map(|h| verify_password(&password, h))
                    .collect::<Vec<bool>>()
            })
            .await
        else {
            return Ok(EmailLogin::Busy);
        };
        let opened: Vec<&Account> = accounts
            .iter()
            .zip(matches)
            .filter_map(|(a, ok)| ok.then_some(a))
            .collect();
        match opened.as_slice() {
            [] => {
                let locked = self.count_login_failure(&subjects, now).await?;
                for a in &accounts {
                    self.audit_login_failure(a.firm.id.as_str(), &email, address, "złe hasło", now)
                        .await?;
                }
                Ok(match locked {
                    Some(until) => EmailLogin::Locked { until },
                    None => EmailLogin::Wrong,
                })
            }
            [one] => {
                self.login_succeeded(&account).await?;
                Ok(EmailLogin::Opened(
                    self.open_session(one.firm.id.as_str(), &one.user_id, now)
                        .await?,
                ))
            }
            several => {
                self.login_succeeded(&account).await?;
                self.offer_choice(several, now).await
            }
        }
    }

    /// Records which accounts one checked password opened; the person picks one with the
    /// returned secret within [`CHOICE_MINUTES`].
    async fn offer_choice(
        &self,
        several: &[&Account],
        now: DateTime<Utc>,
    ) -> Result<EmailLogin, StoreError> {
        let id = new_id();
        let secret = make_secret(CHOICE_PREFIX, "0", &id);
        let refs: Vec<String> = several
            .iter()
            .map(|a| format!("{}:{}", a.firm.id.as_str(), a.user_id))
            .collect();
        sqlx::query("INSERT INTO login_choices (choice_id, secret_hash, accounts, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(sha256_hex(&secret))
            .bind(refs.join(","))
            .bind(ts(now + Duration::minutes(CHOICE_MINUTES)))
            .execute(self.pool())
            .await?;
        Ok(EmailLogin::Choose {
            secret,
            firms: several.iter().map(|a| a.firm.clone()).collect(),
        })
    }

    /// Opens the session of the firm a person chose after [`Store::login_by_email`]. The
    /// choice is used once; `None` when it is unknown, expired or does not offer that firm.
    pub async fn choose_login(
        &self,
        choice: &str,
        tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<Option<NewSecret>, StoreError> {
        let Some((_, choice_id)) = split_secret(CHOICE_PREFIX, choice) else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT secret_hash, accounts, expires_at FROM login_choices WHERE choice_id = $1",
        )
        .bind(choice_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        if !same_digest(&row.try_get::<String, _>(0)?, &sha256_hex(choice.trim())) {
            return Ok(None);
        }
        sqlx::query("DELETE FROM login_choices WHERE choice_id = $1 OR expires_at <= $2")
            .bind(choice_id)
            .bind(ts(now))
            .execute(self.pool())
            .await?;
        if parse_ts(&row.try_get::<String, _>(2)?)? <= now {
            return Ok(None);
        }
        let accounts: String = row.try_get(1)?;
        let Some(user_id) = accounts.split(',').find_map(|a| {
            a.split_once(':')
                .filter(|(t, _)| *t == tenant.as_str())
                .map(|(_, u)| u.to_owned())
        }) else {
            return Ok(None);
        };
        Ok(Some(
            self.open_session(tenant.as_str(), &user_id, now).await?,
        ))
    }

    /// A failed login in the tenant's audit log (when the tenant exists: the log is the
    /// tenant's, and an unknown tenant id has nobody to read it).
    async fn audit_login_failure(
        &self,
        tenant_id: &str,
        email: &str,
        address: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let exists = sqlx::query("SELECT 1 FROM tenants WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(self.pool())
            .await?
            .is_some();
        if exists {
            // The tenant exists: its log is the one to tell about the attempt.
            self.audit(
                &TenantScope::verified(TenantId::new(tenant_id)),
                &format!("address:{address}"),
                "session.login_failed",
                email,
                why,
                now,
            )
            .await?;
        } else {
            tracing::info!(address, "login to an unknown tenant refused");
        }
        Ok(())
    }

    /// The principal of a session cookie.
    pub async fn authenticate_session(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<ClientPrincipal, AuthFailure>, StoreError> {
        Ok(self.portal_session(secret, now).await?.map(|s| s.principal))
    }

    /// The session behind a cookie, with the user's e-mail and language and the firm's name.
    /// A session ends at its absolute expiry, after [`SESSION_IDLE_MINUTES`] unused, or when its
    /// user is disabled; use is recorded at most once a minute (one write, not one per request).
    pub async fn portal_session(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<PortalSession, AuthFailure>, StoreError> {
        let Some((tenant_id, session_id)) = split_secret(SESSION_PREFIX, secret) else {
            return Ok(Err(AuthFailure::Unknown));
        };
        let row = sqlx::query(
            "SELECT s.secret_hash, s.expires_at, u.role, u.disabled, u.user_id, t.kind, \
             COALESCE(s.last_seen_at, s.created_at), u.email, u.lang, t.name FROM sessions s \
             JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id \
             JOIN tenants t ON t.tenant_id = s.tenant_id \
             WHERE s.tenant_id = $1 AND s.session_id = $2",
        )
        .bind(tenant_id)
        .bind(session_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(Err(AuthFailure::Unknown));
        };
        if !same_digest(&row.try_get::<String, _>(0)?, &sha256_hex(secret.trim())) {
            return Ok(Err(AuthFailure::Unknown));
        }
        let last_seen = parse_ts(&row.try_get::<String, _>(6)?)?;
        if parse_ts(&row.try_get::<String, _>(1)?)? <= now
            || row.try_get::<i64, _>(3)? != 0
            || now - last_seen >= Duration::minutes(SESSION_IDLE_MINUTES)
        {
            return Ok(Err(AuthFailure::Revoked));
        }
        if now - last_seen >= Duration::minutes(1) {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $3 WHERE tenant_id = $1 AND session_id = $2",
            )
            .bind(tenant_id)
            .bind(session_id)
            .bind(ts(now))
            .execute(self.pool())
            .await?;
        }
        let role: String = row.try_get(2)?;
        let user_id: String = row.try_get(4)?;
        Ok(Ok(PortalSession {
            principal: ClientPrincipal {
                tenant: TenantScope::verified(TenantId::new(tenant_id)),
                tenant_kind: TenantKind::of_stored(&row.try_get::<String, _>(5)?),
                role: role.parse()?,
                actor: format!("user:{user_id}"),
            },
            session_id: session_id.to_owned(),
            user_id,
            email: row.try_get(7)?,
            lang: row.try_get(8)?,
            tenant_name: row.try_get(9)?,
        }))
    }

    /// Ends a session.
    pub async fn logout(&self, tenant: &TenantScope, secret: &str) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        if let Some((t, session_id)) = split_secret(SESSION_PREFIX, secret)
            && t == tenant_id
        {
            sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND session_id = $2")
                .bind(tenant_id)
                .bind(session_id)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// Appends to the tenant's audit log.
    pub async fn audit(
        &self,
        tenant: &TenantScope,
        actor: &str,
        action: &str,
        target: &str,
        details: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        sqlx::query("INSERT INTO audit_log (tenant_id, audit_id, at, actor, action, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(tenant_id)
            .bind(new_id())
            .bind(ts(now))
            .bind(actor)
            .bind(action)
            .bind(target)
            .bind(details)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A page of the tenant's audit log, newest first; only actions starting with
    /// `filter.action` (`process.`, `user.`) when given.
    pub async fn audit_log(
        &self,
        tenant: &TenantScope,
        filter: &AuditFilter,
    ) -> Result<Page<AuditEntry>, StoreError> {
        let limit = page_limit(filter.limit);
        let mut sql = Sql::new(
            "SELECT at, actor, action, target, details, audit_id FROM audit_log WHERE tenant_id = $1",
        );
        sql.text(tenant.as_str());
        if let Some(prefix) = filter.action.as_deref().filter(|a| !a.is_empty()) {
            // Compared as a prefix by length: the same on both engines whatever the collation,
            // with no LIKE wildcards to escape.
            let (p1, p2) = (sql.text(prefix), sql.text(prefix));
            sql.push(&format!(
                " AND substr(action, 1, length(CAST({p1} AS TEXT))) = {p2}"
            ));
        }
        if let Some(target) = filter.target.as_deref() {
            let t = sql.text(target);
            sql.push(&format!(" AND target = {t}"));
        }
        if let Some(after) = filter.after.as_deref() {
            let key = decode_cursor(after, 2)?;
            let (at1, at2, id) = (
                sql.text(key[0].clone()),
                sql.text(key[0].clone()),
                sql.text(key[1].clone()),
            );
            sql.push(&format!(
                " AND (at < {at1} OR (at = {at2} AND audit_id < {id}))"
            ));
        }
        let lim = sql.int(i64::from(limit) + 1);
        sql.push(&format!(" ORDER BY at DESC, audit_id DESC LIMIT {lim}"));
        let rows = sql.fetch(self).await?;
        let mut items = Vec::with_capacity(rows.len());
        let mut last = None;
        for r in rows.iter().take(limit as usize) {
            let at: String = r.try_get(0)?;
            let id: String = r.try_get(5)?;
            items.push(AuditEntry {
                at: parse_ts(&at)?,
                actor: r.try_get(1)?,
                action: r.try_get(2)?,
                target: r.try_get(3)?,
                details: r.try_get(4)?,
            });
            last = Some((at, id));
        }
        let next_cursor = (rows.len() > limit as usize)
            .then(|| last.map(|(at, id)| encode_cursor(&[&at, &id])))
            .flatten();
        Ok(Page { items, next_cursor })
    }
}

/// Which part of the audit log to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only actions starting with this (`process.`, `user.add`).
    pub action: Option<String>,
    /// Only entries about this target (a debtor's id, a process's code).
    pub target: Option<String>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (default 50, at most 500).
    pub limit: Option<u32>,
}

/// An API token as the firm's admin sees it (the secret was shown once, at creation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenView {
    /// The token's id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Revoked (refused since).
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`user:<id>`, `token:<id>`, `cli`).
    pub actor: String,
    /// What (`exclusion.create`).
    pub action: String,
    /// On what id.
    pub target: String,
    /// Details.
    pub details: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_split_and_refuse_garbage() {
        let s = make_secret(AGENT_PREFIX, "ab12", "cd34");
        assert_eq!(split_secret(AGENT_PREFIX, &s), Some(("ab12", "cd34")));
        assert_eq!(split_secret(API_PREFIX, &s), None);
        assert_eq!(split_secret(AGENT_PREFIX, "inka_ab_cd_short"), None);
        assert_eq!(split_secret(AGENT_PREFIX, ""), None);
        assert!(same_digest(&sha256_hex("x"), &sha256_hex("x")));
        assert!(!same_digest(&sha256_hex("x"), &sha256_hex("y")));
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert_eq!(generate_password().len(), 20);
    }
}
