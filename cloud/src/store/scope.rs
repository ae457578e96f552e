//! The tenant scope: the only key to a tenant's data.
//!
//! Every store operation on one tenant's rows takes a [`TenantScope`], and only two things make
//! one: authentication ([`super::accounts`], from a verified token, session or API key; and the
//! store's own listing of tenants for the engine's round), and an operator acting on the
//! installation by name ([`TenantScope::operator`], used by the command line and by tests). A
//! handler cannot conjure a scope from an id in a URL or a body, so reaching another tenant's
//! rows takes a visible, greppable act rather than a wrong string.

use crate::domain::ids::TenantId;

/// Proof that the caller may act on one tenant's data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantScope {
    tenant: TenantId,
}

impl TenantScope {
    /// A scope for a tenant the store has just authenticated or listed itself.
    pub(in crate::store) fn verified(tenant: TenantId) -> TenantScope {
        TenantScope { tenant }
    }

    /// A scope for an operator acting on the installation (`inkaso-cloud` commands, tests): the
    /// operator has the database itself, so nothing is granted that was not already held.
    pub fn operator(tenant: TenantId) -> TenantScope {
        TenantScope { tenant }
    }

    /// The tenant.
    pub fn id(&self) -> &TenantId {
        &self.tenant
    }

    /// The tenant's id, for binding into SQL.
    pub fn as_str(&self) -> &str {
        self.tenant.as_str()
    }
}

impl std::fmt::Display for TenantScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.tenant.fmt(f)
    }
}
