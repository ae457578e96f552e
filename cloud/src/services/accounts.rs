//! Who is calling and who may: firms and law firms, their users, agents and API tokens (made
//! and revoked by an admin or the operator), sessions (log in, log out), and the checks of
//! every credential. Authentication is the only place a [`TenantScope`] is made for a request;
//! the faces (HTTP, portal, CLI) ask here.

use inkaso_shared::protocol::{AgentConfig, Batch, Heartbeat, PROTOCOL_VERSION, ResultsPage};

use super::{App, ServiceError};
use inkaso_shared::Email;

use crate::domain::Invalid;
use crate::domain::accounts::{Role, TenantKind};
use crate::domain::ids::{AgentId, PartnerId, TenantId};
use crate::store::TenantScope;
use crate::store::accounts::{
    AgentPrincipal, ApiTokenView, AuthFailure, ClientPrincipal, EmailLogin, LoginOutcome,
    NewSecret, PortalSession, Tenant,
};
use crate::store::feed::parse_cursor;
use crate::store::ingest::BatchOutcome;
use crate::store::security::SMSAPI_CALLBACK_SECRET;
use crate::store::users::{ResetPassword, UserView};
use inkaso_shared::Lang;

/// How often agents sync and fully reconcile, as the cloud tells them.
#[derive(Debug, Clone, Copy)]
pub struct SyncIntervals {
    /// Minutes between syncs.
    pub sync_minutes: u32,
    /// Hours between full reconciliations.
    pub reconcile_hours: u32,
}

impl App {
    /// A new client firm or law firm.
    pub async fn create_firm(&self, kind: TenantKind, name: &str) -> Result<Tenant, ServiceError> {
        Ok(self
            .store
            .create_tenant(kind, name, self.clock.now())
            .await?)
    }

    /// Lets a law firm take the cases of a client firm.
    pub async fn link_partner(
        &self,
        tenant: &TenantScope,
        partner: &PartnerId,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .link_partner(tenant, partner, self.clock.now())
            .await?)
    }

    /// Adds a user with a role and a password; returns the user's id. Audited as `user.add`.
    pub async fn add_user(
        &self,
        tenant: &TenantScope,
        actor: &str,
        email: &Email,
        role: Role,
        password: &str,
    ) -> Result<String, ServiceError> {
        Ok(self
            .store
            .add_user(tenant, email, role, password, actor, self.clock.now())
            .await?)
    }

    /// The firm's users.
    pub async fn users(&self, tenant: &TenantScope) -> Result<Vec<UserView>, ServiceError> {
        Ok(self.store.users(tenant).await?)
    }

    /// Gives a user another role (its sessions end). The last active admin keeps the role.
    pub async fn set_user_role(
        &self,
        tenant: &TenantScope,
        actor: &str,
        user_id: &str,
        role: Role,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .set_user_role(tenant, actor, user_id, role, self.clock.now())
            .await?)
    }

    /// Disables a user (its sessions end) or enables it again.
    pub async fn set_user_disabled(
        &self,
        tenant: &TenantScope,
        actor: &str,
        user_id: &str,
        disabled: bool,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .set_user_disabled(tenant, actor, user_id, disabled, self.clock.now())
            .await?)
    }

    /// A new random password for a user, shown once (its sessions end).
    pub async fn reset_password(
        &self,
        tenant: &TenantScope,
        actor: &str,
        user_id: &str,
    ) -> Result<ResetPassword, ServiceError> {
        Ok(self
            .store
            .reset_password(tenant, actor, user_id, self.clock.now())
            .await?)
    }

    /// A user changes its own password; its other sessions end.
    pub async fn change_password(
        &self,
        session: &PortalSession,
        current: &str,
        new: &str,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .change_password(
                &session.principal.tenant,
                &session.user_id,
                current,
                new,
                &session.session_id,
                self.clock.now(),
            )
            .await?)
    }

    /// The language the portal speaks to the user of `session`.
    pub async fn set_user_lang(
        &self,
        session: &PortalSession,
        lang: Lang,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .set_user_lang(&session.principal.tenant, &session.user_id, lang)
            .await?)
    }

    /// Logs in with an e-mail address alone (the portal): one matching account opens a
    /// session; several let the person choose the firm.
    pub async fn login_by_email(
        &self,
        email: &str,
        password: &str,
        address: &str,
    ) -> Result<EmailLogin, ServiceError> {
        Ok(self
            .store
            .login_by_email(email, password, address, self.clock.now())
            .await?)
    }

    /// The session of the firm chosen after [`App::login_by_email`]; `None` when the choice
    /// is unknown, used or expired.
    pub async fn choose_login(
        &self,
        choice: &str,
        tenant: &TenantId,
    ) -> Result<Option<NewSecret>, ServiceError> {
        Ok(self
            .store
            .choose_login(choice, tenant, self.clock.now())
            .await?)
    }

    /// The portal session behind a cookie (idle and absolute expiry checked now).
    pub async fn portal_session(
        &self,
        secret: &str,
    ) -> Result<Result<PortalSession, AuthFailure>, ServiceError> {
        Ok(self.store.portal_session(secret, self.clock.now()).await?)
    }

    /// A new agent (one per ERP database); its token is in the answer, once.
    pub async fn create_agent(
        &self,
        tenant: &TenantScope,
        actor: &str,
        name: &str,
    ) -> Result<NewSecret, ServiceError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ServiceError::Invalid(Invalid::new(
                "name",
                "err-service-agent-name",
                &[],
            )));
        }
        Ok(self
            .store
            .create_agent(tenant, name, actor, self.clock.now())
            .await?)
    }

    /// A new token for an agent, in the answer once: the old one stops working, the agent
    /// keeps its identity, sequence and feed position (a revoked agent is reinstated).
    pub async fn rotate_agent_token(
        &self,
        tenant: &TenantScope,
        actor: &str,
        agent: &AgentId,
    ) -> Result<NewSecret, ServiceError> {
        Ok(self
            .store
            .rotate_agent_token(tenant, agent, actor, self.clock.now())
            .await?)
    }

    /// Revokes an agent's token: its next request is refused.
    pub async fn revoke_agent(
        &self,
        tenant: &TenantScope,
        actor: &str,
        agent: &AgentId,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .revoke_agent(tenant, agent, actor, self.clock.now())
            .await?)
    }

    /// A new API token with a role; the token is in the answer, once.
    pub async fn create_api_token(
        &self,
        tenant: &TenantScope,
        actor: &str,
        name: &str,
        role: Role,
    ) -> Result<NewSecret, ServiceError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ServiceError::Invalid(Invalid::new(
                "name",
                "err-service-token-name",
                &[],
            )));
        }
        Ok(self
            .store
            .create_api_token(tenant, name, role, actor, self.clock.now())
            .await?)
    }

    /// Revokes an API token.
    pub async fn revoke_api_token(
        &self,
        tenant: &TenantScope,
        actor: &str,
        token_id: &str,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .revoke_api_token(tenant, token_id, actor, self.clock.now())
            .await?)
    }

    /// The firm's API tokens, newest first (never their secrets).
    pub async fn api_tokens(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<ApiTokenView>, ServiceError> {
        Ok(self.store.api_tokens(tenant).await?)
    }

    /// Opens a session for a user of `tenant` (throttled per address and account).
    pub async fn login(
        &self,
        tenant: &TenantId,
        email: &str,
        password: &str,
        address: &str,
    ) -> Result<LoginOutcome, ServiceError> {
        Ok(self
            .store
            .login(tenant, email, password, address, self.clock.now())
            .await?)
    }

    /// Ends a session.
    pub async fn logout(&self, tenant: &TenantScope, secret: &str) -> Result<(), ServiceError> {
        Ok(self.store.logout(tenant, secret).await?)
    }

    /// The user or program behind an API token.
    pub async fn authenticate_api_token(
        &self,
        token: &str,
    ) -> Result<Result<ClientPrincipal, AuthFailure>, ServiceError> {
        Ok(self.store.authenticate_api_token(token).await?)
    }

    /// The user behind a session cookie (idle and absolute expiry checked now).
    pub async fn authenticate_session(
        &self,
        secret: &str,
    ) -> Result<Result<ClientPrincipal, AuthFailure>, ServiceError> {
        Ok(self
            .store
            .authenticate_session(secret, self.clock.now())
            .await?)
    }

    /// The agent behind an agent's token.
    pub async fn authenticate_agent(
        &self,
        token: &str,
    ) -> Result<Result<AgentPrincipal, AuthFailure>, ServiceError> {
        Ok(self.store.authenticate_agent(token).await?)
    }

    /// The installation's secret that SMSAPI's delivery reports carry in their path (made once,
    /// shared by every replica through the database).
    pub async fn callback_secret(&self) -> Result<String, ServiceError> {
        Ok(self
            .store
            .service_secret(SMSAPI_CALLBACK_SECRET, self.clock.now())
            .await?)
    }

    /// Whether the database answers (`/readyz`).
    pub async fn ready(&self) -> Result<(), ServiceError> {
        Ok(self.store.ping().await?)
    }

    /// Applies an agent's batch exactly once and in order.
    pub async fn apply_batch(
        &self,
        agent: &AgentPrincipal,
        batch: &Batch,
    ) -> Result<BatchOutcome, ServiceError> {
        Ok(self
            .store
            .apply_batch(agent, batch, self.clock.now())
            .await?)
    }

    /// The agent's results feed after a cursor (none: from the start).
    pub async fn results_page(
        &self,
        agent: &AgentPrincipal,
        after: Option<&str>,
        limit: u32,
    ) -> Result<ResultsPage, ServiceError> {
        let after = parse_cursor(after)?;
        Ok(self
            .store
            .results_page(&agent.tenant, &agent.agent, after, limit)
            .await?)
    }

    /// The agent's configuration: its firm's exclusions, the intervals, the next `seq`.
    pub async fn agent_config(
        &self,
        agent: &AgentPrincipal,
        intervals: SyncIntervals,
    ) -> Result<AgentConfig, ServiceError> {
        Ok(AgentConfig {
            protocol: PROTOCOL_VERSION,
            exclusions: self.store.exclusions(&agent.tenant).await?,
            sync_interval_minutes: intervals.sync_minutes,
            full_reconcile_hours: intervals.reconcile_hours,
            next_seq: self
                .store
                .agent_next_seq(&agent.tenant, &agent.agent)
                .await?,
        })
    }

    /// Records an agent's heartbeat; returns the time it was recorded at.
    pub async fn record_heartbeat(
        &self,
        agent: &AgentPrincipal,
        heartbeat: &Heartbeat,
    ) -> Result<chrono::DateTime<chrono::Utc>, ServiceError> {
        let now = self.clock.now();
        self.store
            .record_heartbeat(&agent.tenant, &agent.agent, heartbeat, now)
            .await?;
        Ok(now)
    }
}
