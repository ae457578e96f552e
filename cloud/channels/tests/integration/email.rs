//! E-mail against a real SMTP server: aiosmtpd on loopback with a throw-away CA and certificate
//! (`inkaso_testkit::smtp`, shared with the end-to-end test and the demo), STARTTLS or implicit
//! TLS, authentication.
//! What arrived is parsed with mail-parser and checked header by header, part by part.

// Test helpers outside #[test] fns may unwrap too: a panic is a clear test failure.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use inkaso_channels::delivery::{Channel, EmailChannel, Outbound, Outcome};
use inkaso_channels::email::{EmailAttachment, EmailMessage, SmtpConfig, SmtpSecurity, SmtpSender};
use inkaso_channels::smsapi::ErrorClass;
use inkaso_shared::{Email, ManualClock};
use inkaso_testkit::smtp::{Certs, Mode, SmtpServer};
use mail_parser::{MessageParser, MimeHeaders};

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        DateTime::parse_from_rfc3339("2026-03-23T09:30:00Z")
            .unwrap()
            .with_timezone(&Utc),
    ))
}

fn config(
    certs: &Certs,
    server: &SmtpServer,
    security: SmtpSecurity,
    password: &str,
) -> SmtpConfig {
    SmtpConfig {
        host: "localhost".into(),
        port: server.port(),
        security,
        credentials: Some(("windykacja".into(), password.into())),
        from: Email::parse("windykacja@zazolc.pl").unwrap(),
        from_name: Some("Zażółć Gęślą Sp. z o.o.".into()),
        reply_to: Some(Email::parse("ksiegowosc@zazolc.pl").unwrap()),
        message_id_domain: "zazolc.pl".into(),
        extra_root_pem: Some(std::fs::read(certs.ca_pem()).unwrap()),
        timeout: Duration::from_secs(10),
    }
}

fn message(to: &str, attachment: Option<Vec<u8>>) -> EmailMessage {
    EmailMessage {
        to: Email::parse(to).unwrap(),
        to_name: Some("Jan Łódzki".into()),
        subject: "Wezwanie do zapłaty — zaległość 1 234,56 zł".into(),
        text: "Szanowny Panie,\nprosimy o zapłatę 1 234,56 zł.".into(),
        html: Some("<!DOCTYPE html><html><body><p>Szanowny Panie,<br>prosimy o zapłatę <b>1 234,56 zł</b>.</p></body></html>".into()),
        bcc: vec![
            Email::parse("archiwum@zazolc.pl").unwrap(),
            Email::parse("prawnik@kancelaria.pl").unwrap(),
        ],
        reply_to: None,
        attachment: attachment.map(|bytes| EmailAttachment {
            filename: "wezwanie-do-zapłaty.pdf".into(),
            content_type: "application/pdf".into(),
            bytes,
        }),
    }
}

#[tokio::test]
async fn starttls_with_auth_delivers_both_parts_bcc_and_the_pdf() {
    let certs = Certs::new().unwrap();
    let server =
        SmtpServer::start(&certs, Mode::StartTls, Some(("windykacja", "tajne-hasło"))).unwrap();
    let cfg = config(&certs, &server, SmtpSecurity::StartTls, "tajne-hasło");
    assert!(
        !format!("{cfg:?}").contains("tajne"),
        "the password stays out of logs"
    );
    let sender = SmtpSender::new(cfg, clock()).unwrap();
    sender.test_connection().await.unwrap();
    // Not a real PDF, but bytes that a text encoding would damage.
    let pdf: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let sent = sender
        .send(
            "t1/proc-9/stage-2/KH-17",
            &message("jan@dluznik.pl", Some(pdf.clone())),
        )
        .await
        .unwrap();
    assert!(sent.response.starts_with("250"), "{}", sent.response);

    let (raw, meta) = server.message(1).await.unwrap();
    assert_eq!(meta["tls"], true);
    assert_eq!(meta["authenticated"], true);
    assert_eq!(meta["mail_from"], "windykacja@zazolc.pl");
    assert_eq!(
        meta["rcpt_tos"],
        serde_json::json!([
            "jan@dluznik.pl",
            "archiwum@zazolc.pl",
            "prawnik@kancelaria.pl"
        ])
    );
    let raw_text = String::from_utf8_lossy(&raw);
    assert!(
        !raw_text.to_ascii_lowercase().contains("\nbcc:"),
        "BCC must not be visible to the debtor"
    );

    let msg = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        msg.subject(),
        Some("Wezwanie do zapłaty — zaległość 1 234,56 zł")
    );
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Zażółć Gęślą Sp. z o.o."));
    assert_eq!(from.address(), Some("windykacja@zazolc.pl"));
    let to = msg.to().unwrap().first().unwrap();
    assert_eq!(
        (to.name(), to.address()),
        (Some("Jan Łódzki"), Some("jan@dluznik.pl"))
    );
    assert_eq!(
        msg.reply_to().unwrap().first().unwrap().address(),
        Some("ksiegowosc@zazolc.pl")
    );
    assert_eq!(format!("<{}>", msg.message_id().unwrap()), sent.message_id);
    assert!(msg.header_raw("Date").unwrap().contains("23 Mar 2026"));
    assert_eq!(
        msg.body_text(0).unwrap().replace("\r\n", "\n"),
        "Szanowny Panie,\nprosimy o zapłatę 1 234,56 zł."
    );
    assert!(
        msg.body_html(0)
            .unwrap()
            .contains("prosimy o zapłatę <b>1 234,56 zł</b>.")
    );
    let attachments: Vec<_> = msg.attachments().collect();
    assert_eq!(attachments.len(), 1);
    assert_eq!(
        attachments[0].attachment_name(),
        Some("wezwanie-do-zapłaty.pdf")
    );
    assert!(attachments[0].is_content_type("application", "pdf"));
    assert_eq!(attachments[0].contents(), pdf.as_slice());
}

#[tokio::test]
async fn implicit_tls_and_a_stable_message_id_on_retry() {
    let certs = Certs::new().unwrap();
    let server = SmtpServer::start(&certs, Mode::Tls, Some(("windykacja", "x"))).unwrap();
    let sender = SmtpSender::new(config(&certs, &server, SmtpSecurity::Tls, "x"), clock()).unwrap();
    let mut m = message("anna@dluznik.pl", None);
    m.html = None;
    m.bcc.clear();
    // The tenant's reply-to wins over the relay's.
    m.reply_to = Some(Email::parse("windykacja@zazolc.pl").unwrap());
    let first = sender.send("t1/action-5", &m).await.unwrap();
    // The engine crashed before recording: the retry carries the same Message-ID.
    let again = sender.send("t1/action-5", &m).await.unwrap();
    assert_eq!(first.message_id, again.message_id);
    let (raw1, meta) = server.message(1).await.unwrap();
    let (raw2, _) = server.message(2).await.unwrap();
    assert_eq!(meta["tls"], true);
    let id1 = MessageParser::default()
        .parse(&raw1)
        .unwrap()
        .message_id()
        .unwrap()
        .to_owned();
    let id2 = MessageParser::default()
        .parse(&raw2)
        .unwrap()
        .message_id()
        .unwrap()
        .to_owned();
    assert_eq!(id1, id2);
    let parsed = MessageParser::default().parse(&raw1).unwrap();
    assert_eq!(
        parsed.reply_to().unwrap().first().unwrap().address(),
        Some("windykacja@zazolc.pl")
    );
    assert_eq!(
        parsed.body_text(0).unwrap().replace("\r\n", "\n"),
        "Szanowny Panie,\nprosimy o zapłatę 1 234,56 zł."
    );
    assert_eq!(parsed.attachments().count(), 0);
}

#[tokio::test]
async fn smtp_errors_become_outcomes() {
    let certs = Certs::new().unwrap();
    let server = SmtpServer::start(&certs, Mode::StartTls, Some(("windykacja", "dobre"))).unwrap();

    // A refused password pauses the channel (535): every message would fail the same way.
    let wrong = EmailChannel::new(
        SmtpSender::new(
            config(&certs, &server, SmtpSecurity::StartTls, "złe"),
            clock(),
        )
        .unwrap(),
    );
    let o = wrong
        .deliver("k1", &Outbound::Email(message("jan@dluznik.pl", None)))
        .await;
    assert!(
        matches!(&o, Outcome::Paused { reason } if reason.contains("535")),
        "{o:?}"
    );

    let good = EmailChannel::new(
        SmtpSender::new(
            config(&certs, &server, SmtpSecurity::StartTls, "dobre"),
            clock(),
        )
        .unwrap(),
    );
    // A recipient the server does not know: this message fails (550).
    let mut m = message("odrzucony@dluznik.pl", None);
    m.bcc.clear();
    let o = good.deliver("k2", &Outbound::Email(m)).await;
    assert!(
        matches!(&o, Outcome::Failed { reason } if reason.contains("550")),
        "{o:?}"
    );
    // A temporary refusal: retry later (451).
    let mut m = message("pozniej@dluznik.pl", None);
    m.bcc.clear();
    let o = good.deliver("k3", &Outbound::Email(m)).await;
    assert!(
        matches!(&o, Outcome::Retry { reason } if reason.contains("451")),
        "{o:?}"
    );
    assert_eq!(server.count(), 0);

    // A certificate we do not trust: TLS error, pause and alert.
    let mut untrusted = config(&certs, &server, SmtpSecurity::StartTls, "dobre");
    untrusted.extra_root_pem = None;
    let err = SmtpSender::new(untrusted, clock())
        .unwrap()
        .send("k4", &message("jan@dluznik.pl", None))
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Account, "{err:?}");

    // Nothing listening: transient.
    let mut closed = config(&certs, &server, SmtpSecurity::StartTls, "dobre");
    closed.port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    closed.host = "127.0.0.1".into();
    let err = SmtpSender::new(closed, clock())
        .unwrap()
        .send("k5", &message("jan@dluznik.pl", None))
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Transient, "{err:?}");

    // And a good message still goes through.
    assert!(matches!(
        good.deliver("k6", &Outbound::Email(message("jan@dluznik.pl", None)))
            .await,
        Outcome::Sent { .. }
    ));
    assert_eq!(
        server.message(1).await.unwrap().1["rcpt_tos"][0],
        "jan@dluznik.pl"
    );
}

/// The stage that e-mails the demand letter: the real PDF goes out as an attachment and its
/// Polish text extracts back from what the server received.
#[tokio::test]
async fn a_rendered_letter_travels_as_an_attachment() {
    use chrono::NaiveDate;
    use inkaso_channels::interest::{BasisPoints, EurRate, RatePeriod, RateTable};
    use inkaso_channels::letter::{
        Addressee, ClaimKind, LetterDocument, LetterKind, LetterRates, LetterRequest, render,
    };
    use inkaso_channels::template::Creditor;
    use inkaso_shared::{Currency, Lang, Money};

    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let table = RateTable::new(vec![RatePeriod {
        from: d(2026, 1, 1),
        rate: BasisPoints(1400),
    }])
    .unwrap();
    let letter = render(
        &LetterRequest {
            kind: LetterKind::Demand,
            number: "W/7/2026".into(),
            place: "Gdańsk".into(),
            date: d(2026, 3, 2),
            deadline: d(2026, 3, 9),
            creditor: Creditor {
                name: "Zażółć Gęślą Sp. z o.o.".into(),
                nip: None,
                street: "ul. Długa 1".into(),
                postcode_city: "80-001 Gdańsk".into(),
                bank_account: "47 1020 1026 0000 0102 0304 0506".into(),
                contact: None,
            },
            debtor: Addressee {
                name: "Jan Łódzki".into(),
                street: "ul. Źródlana 5".into(),
                postcode_city: "90-001 Łódź".into(),
                nip: None,
            },
            claim: ClaimKind::Commercial,
            compensation: true,
            documents: vec![LetterDocument {
                number: "FS 3/2026".into(),
                due_date: d(2026, 2, 1),
                amount: Money::new(123_456, Currency::PLN),
                remaining: Money::new(123_456, Currency::PLN),
            }],
            lang: Lang::Pl,
        },
        &LetterRates {
            commercial: table.clone(),
            consumer: table,
            eur: Some(EurRate(42_500)),
        },
    )
    .unwrap();

    let certs = Certs::new().unwrap();
    let server = SmtpServer::start(&certs, Mode::StartTls, Some(("windykacja", "x"))).unwrap();
    let sender = SmtpSender::new(
        config(&certs, &server, SmtpSecurity::StartTls, "x"),
        clock(),
    )
    .unwrap();
    let mut m = message("jan@dluznik.pl", None);
    m.attachment = Some(letter.attachment());
    sender.send("t1/W-7-2026", &m).await.unwrap();

    let (raw, _) = server.message(1).await.unwrap();
    let msg = MessageParser::default().parse(&raw).unwrap();
    let att = msg.attachments().next().unwrap();
    assert_eq!(
        att.attachment_name(),
        Some("wezwanie-do-zapłaty-W-7-2026.pdf")
    );
    assert_eq!(att.contents(), letter.pdf.as_slice());
    let pdf_path = server.maildir().join("letter.pdf");
    std::fs::write(&pdf_path, att.contents()).unwrap();
    let out = Command::new("pdftotext")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Wezwanie do zapłaty"), "{text}");
    assert!(text.contains("Jan Łódzki"), "{text}");
    assert!(text.contains("ul. Źródlana 5"), "{text}");
}
