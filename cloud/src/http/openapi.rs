//! Makes the served OpenAPI document tell the whole truth: the security schemes (users' tokens
//! and sessions, agents' tokens, the providers' path secret), and on every operation the error
//! answers any route can give (the routes' own annotations list only what is particular to
//! them). Applied once to the merged document in [`super::router`].

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Who may call a route, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone (the login).
    Public,
    /// A client's or a law firm's user or API token.
    User,
    /// An agent's token (`/agent/v1`).
    Agent,
    /// A provider holding the installation's secret in the path (`/callbacks`).
    Secret,
}

fn access(path: &str) -> Access {
    if path == "/api/v1/login" {
        Access::Public
    } else if path.starts_with("/agent/") {
        Access::Agent
    } else if path.starts_with("/callbacks/") {
        Access::Secret
    } else {
        Access::User
    }
}

/// Adds the security schemes and the common error answers to every operation of `doc`.
pub(super) fn complete(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "token",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("inkc_…")
                .description(Some("An API token (`inkaso-cloud api-token create`)."))
                .build(),
        ),
    );
    components.add_security_scheme(
        "agent_token",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("inka_…")
                .description(Some("An agent's token (`inkaso-cloud agent create`)."))
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "inkaso_session",
            "The session cookie `POST /api/v1/login` sets.",
        ))),
    );
    for (path, item) in &mut doc.paths.paths {
        let access = access(path);
        let has_id = path.contains('{') && access != Access::Secret;
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(op, access, has_id);
        }
    }
}

fn complete_operation(op: &mut Operation, access: Access, has_id: bool) {
    let none = Vec::<String>::new;
    match access {
        Access::User => {
            op.security = Some(vec![
                SecurityRequirement::new("token", none()),
                SecurityRequirement::new("session", none()),
            ]);
        }
        Access::Agent => {
            op.security = Some(vec![SecurityRequirement::new("agent_token", none())]);
        }
        Access::Public | Access::Secret => {}
    }
    let mut common: Vec<(&str, &str)> = vec![
        (
            "400",
            "The request is malformed or breaks a rule; `field` names what.",
        ),
        ("408", "The request took too long."),
        ("500", "An internal error (logged)."),
        ("503", "The database is unavailable; try again."),
    ];
    match access {
        Access::User => {
            common.push((
                "401",
                "No credential, or an unknown, expired or revoked one.",
            ));
            common.push(("403", "The role or the kind of firm may not do this."));
        }
        Access::Agent => {
            common.push(("401", "No agent token, or an unknown or revoked one."));
        }
        Access::Secret => common.push(("401", "Not the installation's secret.")),
        Access::Public => {}
    }
    if has_id {
        common.push(("404", "No such record for this firm."));
    }
    if op.request_body.is_some() || access == Access::Secret {
        common.push(("413", "The body is too large."));
    }
    if op.request_body.is_some() {
        common.push(("415", "The body is not JSON."));
    }
    for (code, description) in common {
        op.responses
            .responses
            .entry(code.to_owned())
            .or_insert_with(|| error_response(description));
    }
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}
