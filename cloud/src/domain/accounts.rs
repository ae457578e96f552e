//! Who may do what: the kinds of tenant (a client firm, a law firm) and users' roles.

use serde::{Deserialize, Serialize};

use super::Invalid;

/// What a user may do. Ordered: each role can do everything the ones below it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads.
    Viewer,
    /// Reads and edits data (exclusions, consents).
    Editor,
    /// Everything, including users and agents.
    Admin,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl TenantKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TenantKind::Client => "client",
            TenantKind::Partner => "partner",
        }
    }

    /// A stored kind read back; anything but `partner` is a client (the only other kind).
    pub fn of_stored(text: &str) -> TenantKind {
        if text == "partner" {
            TenantKind::Partner
        } else {
            TenantKind::Client
        }
    }
}

impl std::str::FromStr for Role {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Role, Invalid> {
        match s.trim() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            other => Err(Invalid::new(
                "role",
                "err-domain-role-unknown",
                &[("role", other.into())],
            )),
        }
    }
}

/// A tenant's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantKind {
    /// A client firm whose receivables are collected.
    Client,
    /// A law firm that takes cases over.
    Partner,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_parsed() {
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
        assert_eq!(" editor ".parse::<Role>().unwrap(), Role::Editor);
        assert_eq!("boss".parse::<Role>().unwrap_err().field, "role");
        assert_eq!(TenantKind::of_stored("partner"), TenantKind::Partner);
        assert_eq!(TenantKind::of_stored("client").as_str(), "client");
    }
}
