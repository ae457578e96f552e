//! Who is calling: sessions (log in, log out), API tokens and agents' tokens. Authentication is
//! the only place a [`TenantScope`] is made for a request; the faces (HTTP, portal) ask here.

use inkaso_shared::protocol::{AgentConfig, Batch, Heartbeat, PROTOCOL_VERSION, ResultsPage};

use super::{App, ServiceError};
use crate::domain::ids::TenantId;
use crate::store::TenantScope;
use crate::store::accounts::{AgentPrincipal, AuthFailure, ClientPrincipal, LoginOutcome};
use crate::store::ingest::BatchOutcome;
use crate::store::security::SMSAPI_CALLBACK_SECRET;

/// How often agents sync and fully reconcile, as the cloud tells them.
#[derive(Debug, Clone, Copy)]
pub struct SyncIntervals {
    /// Minutes between syncs.
    pub sync_minutes: u32,
    /// Hours between full reconciliations.
    pub reconcile_hours: u32,
}

impl App {
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

    /// The agent's results feed after a position.
    pub async fn results_page(
        &self,
        agent: &AgentPrincipal,
        after: u64,
        limit: u32,
    ) -> Result<ResultsPage, ServiceError> {
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
