//! Rules of a debtor's collection state and of the requests that steer it: tags for group
//! rules, pauses, on-demand runs, the forecast's horizon. Values in, values or [`Invalid`] out.

use chrono::NaiveDate;

use super::Invalid;
use crate::process::PauseKind;

/// Most tags on one debtor.
pub const MAX_TAGS: usize = 50;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 50;
/// Most documents in one on-demand request.
pub const MAX_ON_DEMAND_DOCUMENTS: usize = 1000;
/// Longest forecast, in days.
pub const MAX_FORECAST_DAYS: u32 = 366;

/// A debtor's tags, trimmed, each 1–50 characters, repeats (ignoring ASCII case) dropped, at
/// most 50.
pub fn clean_tags(tags: &[String]) -> Result<Vec<String>, Invalid> {
    let mut clean: Vec<String> = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        let t = t.trim();
        if t.is_empty() || t.chars().count() > MAX_TAG_CHARS {
            return Err(Invalid::new(
                format!("tags[{i}]"),
                "err-domain-tag-length",
                &[("max", MAX_TAG_CHARS.into())],
            ));
        }
        if !clean.iter().any(|c| c.eq_ignore_ascii_case(t)) {
            clean.push(t.to_owned());
        }
    }
    if clean.len() > MAX_TAGS {
        return Err(Invalid::new(
            "tags",
            "err-domain-too-many-tags",
            &[("max", MAX_TAGS.into())],
        ));
    }
    Ok(clean)
}

/// A code the client chooses (a request id): it goes into idempotency keys and provider ids,
/// so only letters, digits and `- _ .`, at most 64.
pub fn request_id(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    if !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        Ok(s.to_owned())
    } else {
        Err(Invalid::new("request_id", "err-domain-request-id", &[]))
    }
}

/// An on-demand run's size: at least one stage, 1–1000 documents.
pub fn check_on_demand(stages: usize, documents: usize) -> Result<(), Invalid> {
    if stages == 0 {
        return Err(Invalid::new("stages", "err-domain-no-stages-chosen", &[]));
    }
    if documents == 0 || documents > MAX_ON_DEMAND_DOCUMENTS {
        return Err(Invalid::new(
            "documents",
            "err-domain-on-demand-documents",
            &[("max", MAX_ON_DEMAND_DOCUMENTS.into())],
        ));
    }
    Ok(())
}

/// The forecast's horizon: 1–366 days.
pub fn check_forecast_days(days: u32) -> Result<(), Invalid> {
    if (1..=MAX_FORECAST_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(Invalid::new(
            "days",
            "err-domain-forecast-days",
            &[("max", MAX_FORECAST_DAYS.into())],
        ))
    }
}

/// Longest reason of a pause, in characters.
pub const MAX_PAUSE_REASON_CHARS: usize = 500;

/// The rules of a new pause on `today`: a promise to pay and a manual pause need their last day,
/// which may not be past; a manual pause needs a reason; a reason has at most 500 characters.
/// Returns the trimmed reason.
pub fn check_pause(
    kind: PauseKind,
    until: Option<NaiveDate>,
    reason: &str,
    today: NaiveDate,
) -> Result<String, Invalid> {
    let reason = reason.trim().to_owned();
    if reason.chars().count() > MAX_PAUSE_REASON_CHARS {
        return Err(Invalid::new(
            "reason",
            "err-process-field-too-long",
            &[("max", MAX_PAUSE_REASON_CHARS.into())],
        ));
    }
    match (kind, until) {
        (PauseKind::PromiseToPay, None) => {
            return Err(Invalid::new("until", "err-domain-promise-date", &[]));
        }
        (PauseKind::Manual, None) => {
            return Err(Invalid::new("until", "err-domain-pause-end", &[]));
        }
        (_, Some(u)) if u < today => {
            return Err(Invalid::new(
                "until",
                "err-domain-date-past",
                &[("date", (&u).into())],
            ));
        }
        _ => {}
    }
    if kind == PauseKind::Manual && reason.is_empty() {
        return Err(Invalid::new("reason", "err-domain-pause-reason", &[]));
    }
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_and_deduplicated_ignoring_case() {
        let tags = [" VIP ".to_owned(), "vip".to_owned(), "Budowa".to_owned()];
        assert_eq!(clean_tags(&tags).unwrap(), ["VIP", "Budowa"]);
    }

    #[test]
    fn a_bad_tag_is_named_by_its_position() {
        let tags = ["ok".to_owned(), "  ".to_owned()];
        assert_eq!(clean_tags(&tags).unwrap_err().field, "tags[1]");
        let long = ["x".repeat(51)];
        assert_eq!(clean_tags(&long).unwrap_err().field, "tags[0]");
        let many: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
        assert_eq!(clean_tags(&many).unwrap_err().field, "tags");
    }

    #[test]
    fn request_ids_are_codes() {
        assert_eq!(request_id(" run-1.a_b ").unwrap(), "run-1.a_b");
        assert!(request_id("z spacją").is_err());
        assert!(request_id(&"a".repeat(65)).is_err());
        assert!(request_id("").is_err());
    }

    #[test]
    fn pauses_need_their_day_and_a_manual_one_its_reason() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let tomorrow = today.succ_opt();
        let field = |r: Result<String, Invalid>| r.unwrap_err().field;
        assert_eq!(
            field(check_pause(PauseKind::PromiseToPay, None, "", today)),
            "until"
        );
        assert_eq!(
            field(check_pause(PauseKind::Manual, tomorrow, " ", today)),
            "reason"
        );
        assert_eq!(
            field(check_pause(PauseKind::Dispute, today.pred_opt(), "", today)),
            "until"
        );
        assert_eq!(
            field(check_pause(
                PauseKind::Dispute,
                None,
                &"x".repeat(501),
                today
            )),
            "reason"
        );
        assert_eq!(
            check_pause(PauseKind::Dispute, None, " spór ", today).unwrap(),
            "spór"
        );
        assert_eq!(
            check_pause(PauseKind::Manual, tomorrow, "urlop", today).unwrap(),
            "urlop"
        );
    }

    #[test]
    fn on_demand_and_forecast_bounds() {
        assert_eq!(check_on_demand(0, 1).unwrap_err().field, "stages");
        assert_eq!(check_on_demand(1, 0).unwrap_err().field, "documents");
        assert_eq!(check_on_demand(1, 1001).unwrap_err().field, "documents");
        assert!(check_on_demand(1, 1000).is_ok());
        assert!(check_forecast_days(0).is_err());
        assert!(check_forecast_days(366).is_ok());
        assert!(check_forecast_days(367).is_err());
    }
}
