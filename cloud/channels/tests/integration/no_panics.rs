//! Input-derived text never panics the parsers: templates typed by users, SMS texts, SMSAPI
//! callbacks and amounts from the network.

use inkaso_channels::sms::{Encoding, fold, measure, prepare};
use inkaso_channels::smsapi::{DeliveryReport, Points, SenderName};
use inkaso_channels::template::{ChannelKind, ContactReason, Template};
use inkaso_shared::Lang;
use proptest::prelude::*;

proptest! {
    #[test]
    fn templates_never_panic(body in "\\PC*", note in proptest::option::of("\\PC*")) {
        let t = Template {
            name: "x".into(),
            channel: ChannelKind::Email,
            reason: ContactReason::Arrears,
            lang: Lang::Pl,
            subject: Some(body.clone()),
            body,
            promise_note: note,
            max_parts: None,
        };
        let _ = t.validate();
        let _ = t.preview();
    }

    #[test]
    fn tags_in_any_text_render_or_are_named(prefix in "[^<]*", tag in "[a-z_]{1,20}", suffix in "[^<]*") {
        let t = Template {
            name: "x".into(),
            channel: ChannelKind::Sms,
            reason: ContactReason::Other,
            lang: Lang::Pl,
            subject: None,
            body: format!("{prefix}<{tag}>{suffix}"),
            promise_note: None,
            max_parts: Some(6),
        };
        match t.validate() {
            Ok(()) => {
                let raw = format!("<{tag}>");
                prop_assert!(!t.preview().unwrap().text.contains(&raw));
            }
            Err(e) => prop_assert!(e.to_string().contains(&tag)),
        }
    }

    #[test]
    fn folded_text_is_always_gsm7(text in "\\PC*") {
        let f = fold(&text);
        prop_assert_eq!(measure(&f.text).encoding, Encoding::Gsm7);
        prop_assert_eq!(fold(&f.text).text, f.text.clone());
        let _ = prepare(&text, Some(3), false);
        let _ = prepare(&text, None, true);
    }

    #[test]
    fn callbacks_and_numbers_never_panic(q in "\\PC*", n in "\\PC*") {
        let _ = DeliveryReport::parse_query(&q);
        let _ = Points::parse(&n);
        let _ = SenderName::parse(&n);
    }
}
