//! Makes the served OpenAPI document tell the whole truth: the security schemes, and on every
//! operation the error answers any route can give (the routes' own annotations list only what
//! is particular to them). Applied once to the merged document in [`super::router`].

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Routes that need no credential.
const PUBLIC: &[&str] = &["/api/v1/login"];

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
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "inkaso_session",
            "The session cookie `POST /api/v1/login` sets.",
        ))),
    );
    for (path, item) in &mut doc.paths.paths {
        let public = PUBLIC.contains(&path.as_str());
        let has_id = path.contains('{');
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
            complete_operation(op, public, has_id);
        }
    }
}

fn complete_operation(op: &mut Operation, public: bool, has_id: bool) {
    if !public {
        op.security = Some(vec![
            SecurityRequirement::new("token", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
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
    if !public {
        common.push((
            "401",
            "No credential, or an unknown, expired or revoked one.",
        ));
        common.push(("403", "The role or the kind of firm may not do this."));
    }
    if has_id {
        common.push(("404", "No such record for this firm."));
    }
    if op.request_body.is_some() {
        common.push(("413", "The body is too large."));
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
