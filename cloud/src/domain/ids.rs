//! Typed identifiers: a tenant's id cannot be passed where an agent's is expected, nor a
//! partner's where a client's is.
//!
//! Each is the 32-hex-digit id the store generates (`store::new_id`). Parsing from a URL or a
//! JSON body does not validate the form: an id that names nothing is a 404 from the store,
//! exactly as before the ids were typed.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id read from the store or a request.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            /// The id as stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as stored, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

typed_id!(
    /// A tenant: a client firm or a law firm.
    TenantId
);
typed_id!(
    /// An on-premise agent of a client firm.
    AgentId
);
typed_id!(
    /// A law firm's tenant, as a client names it when it links the firm or hands a case off.
    PartnerId
);
typed_id!(
    /// A case handed off to a law firm.
    CaseId
);
typed_id!(
    /// A person's account in a tenant.
    UserId
);

impl PartnerId {
    /// The law firm's own tenant id (its users' scope is that tenant).
    pub fn tenant(&self) -> TenantId {
        TenantId(self.0.clone())
    }
}

impl From<TenantId> for PartnerId {
    fn from(t: TenantId) -> Self {
        PartnerId(t.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_plain_strings_in_json() {
        let id = TenantId::new("0123abcd");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0123abcd\"");
        let back: AgentId = serde_json::from_str("\"ff00\"").unwrap();
        assert_eq!(back.as_str(), "ff00");
        assert_eq!(PartnerId::from(id.clone()).tenant(), id);
    }
}
