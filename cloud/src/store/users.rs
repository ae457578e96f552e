//! A firm's users as its admin manages them: the list, role changes, disabling, password resets
//! and changes, and each user's language. Every change that takes a right away (role, disable,
//! password) ends the user's sessions at once; every change is in the audit log with its before
//! and after. A firm always keeps one active admin.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::accounts::{
    Role, check_password_rules, generate_password, hash_password, verify_password,
};
use super::{Store, StoreError, parse_ts};
use crate::store::TenantScope;

/// A user as the admin sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserView {
    /// Id.
    pub id: String,
    /// E-mail (lower case).
    pub email: String,
    /// Role.
    pub role: Role,
    /// Disabled users cannot log in.
    pub disabled: bool,
    /// Language of the portal (`pl`, `en`).
    pub lang: String,
    /// When added.
    pub created_at: DateTime<Utc>,
}

const USER_COLS: &str = "user_id, email, role, disabled, lang, created_at";

fn user_view(r: &sqlx::any::AnyRow) -> Result<UserView, StoreError> {
    Ok(UserView {
        id: r.try_get(0)?,
        email: r.try_get(1)?,
        role: r.try_get::<String, _>(2)?.parse()?,
        disabled: r.try_get::<i64, _>(3)? != 0,
        lang: r.try_get(4)?,
        created_at: parse_ts(&r.try_get::<String, _>(5)?)?,
    })
}

/// A password set by an admin, to hand over once.
#[derive(Debug, Clone)]
pub struct ResetPassword {
    /// Whose.
    pub email: String,
    /// The new password (never stored).
    pub password: String,
}

impl Store {
    /// The firm's users, by e-mail.
    pub async fn users(&self, tenant: &TenantScope) -> Result<Vec<UserView>, StoreError> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE tenant_id = $1 ORDER BY email");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.as_str())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_view).collect()
    }

    /// One user of the firm; another firm's user is not found.
    pub async fn user(&self, tenant: &TenantScope, user_id: &str) -> Result<UserView, StoreError> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE tenant_id = $1 AND user_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.as_str())
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("err-what-user", &[("id", user_id.into())]))?;
        user_view(&row)
    }

    /// Gives a user another role; ends the user's sessions (rights are read at login).
    pub async fn set_user_role(
        &self,
        tenant: &TenantScope,
        actor: &str,
        user_id: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let before = self.user(tenant, user_id).await?;
        if before.role == role {
            return Ok(());
        }
        if before.role == Role::Admin && !before.disabled {
            self.keep_an_admin(tenant, user_id).await?;
        }
        sqlx::query("UPDATE users SET role = $3 WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant.as_str())
            .bind(user_id)
            .bind(role.as_str())
            .execute(self.pool())
            .await?;
        self.end_sessions(tenant, user_id, None).await?;
        let details = format!(
            "{}: {} → {}",
            before.email,
            before.role.as_str(),
            role.as_str()
        );
        self.audit(tenant, actor, "user.role", user_id, &details, now)
            .await
    }

    /// Disables a user (ending its sessions) or enables it again.
    pub async fn set_user_disabled(
        &self,
        tenant: &TenantScope,
        actor: &str,
        user_id: &str,
        disabled: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let before = self.user(tenant, user_id).await?;
        if before.disabled == disabled {
            return Ok(());
        }
        if disabled && before.role == Role::Admin {
            self.keep_an_admin(tenant, user_id).await?;
        }
        sqlx::query("UPDATE users SET disabled = $3 WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant.as_str())
            .bind(user_id)
            .bind(i64::from(disabled))
            .execute(self.pool())
            .await?;
        self.end_sessions(tenant, user_id, None).await?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        self.audit(tenant, actor, action, user_id, &before.email, now)
            .await
    }

    /// Sets a new random password for a user (returned once), ending its sessions.
    pub async fn reset_password(
        &self,
        tenant: &TenantScope,
        actor: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<ResetPassword, StoreError> {
        let user = self.user(tenant, user_id).await?;
        let password = generate_password();
        self.store_password(tenant, user_id, &password).await?;
        self.end_sessions(tenant, user_id, None).await?;
        self.audit(
            tenant,
            actor,
            "user.password_reset",
            user_id,
            &user.email,
            now,
        )
        .await?;
        Ok(ResetPassword {
            email: user.email,
            password,
        })
    }

    /// A user changes its own password: the current one must match; every other session of
    /// the user ends, `keep_session` stays.
    pub async fn change_password(
        &self,
        tenant: &TenantScope,
        user_id: &str,
        current: &str,
        new: &str,
        keep_session: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        check_password_rules(new)?;
        let row =
            sqlx::query("SELECT password_hash FROM users WHERE tenant_id = $1 AND user_id = $2")
                .bind(tenant.as_str())
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| StoreError::not_found("err-what-user", &[("id", user_id.into())]))?;
        let hash: String = row.try_get(0)?;
        let current = current.to_owned();
        let matches = self
            .passwords()
            .run(move || verify_password(&current, &hash))
            .await
            .map_err(|_| busy())?;
        if !matches {
            return Err(StoreError::invalid(
                "current_password",
                "err-store-password-mismatch",
                &[],
            ));
        }
        self.store_password(tenant, user_id, new).await?;
        self.end_sessions(tenant, user_id, Some(keep_session))
            .await?;
        self.audit(
            tenant,
            &format!("user:{user_id}"),
            "user.password_change",
            user_id,
            "",
            now,
        )
        .await
    }

    /// The language the portal speaks to a user.
    pub async fn set_user_lang(
        &self,
        tenant: &TenantScope,
        user_id: &str,
        lang: inkaso_shared::Lang,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET lang = $3 WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant.as_str())
            .bind(user_id)
            .bind(lang.code())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn store_password(
        &self,
        tenant: &TenantScope,
        user_id: &str,
        password: &str,
    ) -> Result<(), StoreError> {
        let password = password.to_owned();
        let hash = self
            .passwords()
            .run(move || hash_password(&password))
            .await
            .map_err(|_| busy())??;
        sqlx::query("UPDATE users SET password_hash = $3 WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant.as_str())
            .bind(user_id)
            .bind(hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends a user's sessions (but `keep`).
    async fn end_sessions(
        &self,
        tenant: &TenantScope,
        user_id: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND session_id <> $3",
        )
        .bind(tenant.as_str())
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Refuses to take the last active admin's rights away (nobody could manage the firm).
    async fn keep_an_admin(&self, tenant: &TenantScope, user_id: &str) -> Result<(), StoreError> {
        let others = sqlx::query(
            "SELECT COUNT(*) FROM users WHERE tenant_id = $1 AND role = 'admin' AND disabled = 0 \
             AND user_id <> $2",
        )
        .bind(tenant.as_str())
        .bind(user_id)
        .fetch_one(self.pool())
        .await?
        .try_get::<i64, _>(0)?;
        if others == 0 {
            return Err(StoreError::conflict("err-store-last-admin", &[]));
        }
        Ok(())
    }
}

fn busy() -> StoreError {
    StoreError::conflict("err-store-passwords-busy-checking", &[])
}
