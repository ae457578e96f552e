//! A real SMTP server on loopback for the e-mail tests, the end-to-end test and the demo: a
//! throw-away CA and a `localhost` certificate made with the openssl CLI, and aiosmtpd
//! (`smtp_sink.py`, run by Debian's `/usr/bin/python3`) storing every message it accepts.
//!
//! One copy for every user, so what "the server received" means is the same everywhere. The
//! sink script is embedded here and written next to the mailbox, so a built binary (the demo)
//! does not depend on the source tree's layout.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The aiosmtpd sink: stores NNNN.eml and NNNN.json per message, prints `PORT n`, exits when
/// its stdin closes. Recipients starting with "odrzuc" get 550, "pozniej" get 451.
const SINK_SCRIPT: &str = include_str!("../smtp_sink.py");

/// What can stop the SMTP server from starting or answering.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// A file or a process could not be made.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// `openssl` refused.
    #[error("openssl {args}: {stderr}\nInstall it: apt-get install openssl (or run `make test`).")]
    Openssl {
        /// The arguments.
        args: String,
        /// What it said.
        stderr: String,
    },
    /// The sink did not announce its port (usually: aiosmtpd is missing).
    #[error(
        "smtp_sink.py said {0:?} instead of its port.\n\
         It needs aiosmtpd: apt-get install python3-aiosmtpd (or run `make test`); \
         INKASO_TEST_PYTHON names another python3 that has it."
    )]
    NoPort(String),
    /// A message did not arrive in time or could not be read.
    #[error("message {n}: {reason}")]
    Message {
        /// Its number (1-based).
        n: usize,
        /// Why.
        reason: String,
    },
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> SmtpError {
    let what = what.into();
    move |source| SmtpError::Io { what, source }
}

/// A throw-away CA and a `localhost` certificate signed by it.
#[derive(Debug)]
pub struct Certs {
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Certs {
    /// Certificates in a temporary directory removed on drop.
    pub fn new() -> Result<Certs, SmtpError> {
        let temp = tempfile::tempdir().map_err(io("temporary directory"))?;
        let Certs { dir, .. } = Certs::in_dir(temp.path())?;
        Ok(Certs {
            dir,
            _temp: Some(temp),
        })
    }

    /// Certificates written into `dir` (created), kept there.
    pub fn in_dir(dir: &Path) -> Result<Certs, SmtpError> {
        std::fs::create_dir_all(dir).map_err(io(dir.display().to_string()))?;
        let run = |args: &[&str]| -> Result<(), SmtpError> {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .output()
                .map_err(io("openssl"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(SmtpError::Openssl {
                    args: args.join(" "),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                })
            }
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        let mut ca = vec!["req", "-x509"];
        ca.extend(ec);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Inkaso Test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        run(&ca)?;
        let mut csr = vec!["req"];
        csr.extend(ec);
        csr.extend([
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=localhost",
        ]);
        run(&csr)?;
        std::fs::write(
            dir.join("leaf.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .map_err(io("leaf.ext"))?;
        run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ])?;
        Ok(Certs {
            dir: dir.to_owned(),
            _temp: None,
        })
    }

    /// A file of the set: `ca.pem`, `leaf.pem`, `leaf.key`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The CA certificate a client must trust.
    pub fn ca_pem(&self) -> PathBuf {
        self.path("ca.pem")
    }
}

/// How the server offers TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain connection upgraded with STARTTLS (required before anything else).
    StartTls,
    /// TLS from the first byte.
    Tls,
}

/// aiosmtpd running on a free loopback port; killed on drop, and exits by itself when our end
/// of its stdin closes.
#[derive(Debug)]
pub struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    /// A server storing into a temporary directory removed on drop.
    pub fn start(
        certs: &Certs,
        mode: Mode,
        auth: Option<(&str, &str)>,
    ) -> Result<SmtpServer, SmtpError> {
        let temp = tempfile::tempdir().map_err(io("temporary directory"))?;
        let maildir = temp.path().join("mail");
        SmtpServer::spawn(certs, mode, auth, &maildir, Some(temp))
    }

    /// A server storing every message in `maildir` (created; must hold no messages yet).
    pub fn start_in(
        certs: &Certs,
        mode: Mode,
        auth: Option<(&str, &str)>,
        maildir: &Path,
    ) -> Result<SmtpServer, SmtpError> {
        SmtpServer::spawn(certs, mode, auth, maildir, None)
    }

    fn spawn(
        certs: &Certs,
        mode: Mode,
        auth: Option<(&str, &str)>,
        maildir: &Path,
        temp: Option<tempfile::TempDir>,
    ) -> Result<SmtpServer, SmtpError> {
        std::fs::create_dir_all(maildir).map_err(io(maildir.display().to_string()))?;
        // Beside the mailbox, not in it: the mailbox holds only messages.
        let script = maildir.with_extension("smtp_sink.py");
        std::fs::write(&script, SINK_SCRIPT).map_err(io(script.display().to_string()))?;
        // Debian's python3 has aiosmtpd (python3-aiosmtpd); a pyenv shim on PATH may not.
        let python =
            std::env::var("INKASO_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
        let mut cmd = Command::new(&python);
        cmd.arg(&script)
            .arg("--dir")
            .arg(maildir)
            .arg("--mode")
            .arg(match mode {
                Mode::StartTls => "starttls",
                Mode::Tls => "tls",
            })
            .arg("--cert")
            .arg(certs.path("leaf.pem"))
            .arg("--key")
            .arg(certs.path("leaf.key"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some((user, password)) = auth {
            cmd.args(["--user", user, "--password", password]);
        }
        let mut child = cmd.spawn().map_err(io(python))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            std::io::BufReader::new(stdout)
                .read_line(&mut line)
                .map_err(io("smtp_sink.py"))?;
        }
        let Some(port) = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SmtpError::NoPort(line));
        };
        Ok(SmtpServer {
            child,
            port,
            maildir: maildir.to_owned(),
            _temp: temp,
        })
    }

    /// The port on 127.0.0.1 (the certificate names `localhost`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where messages are stored: `NNNN.eml` (the exact bytes) and `NNNN.json` (envelope).
    pub fn maildir(&self) -> &Path {
        &self.maildir
    }

    /// The n-th stored message (1-based): raw bytes and envelope metadata (`mail_from`,
    /// `rcpt_tos`, `tls`, `authenticated`). Waits up to five seconds for it.
    pub async fn message(&self, n: usize) -> Result<(Vec<u8>, serde_json::Value), SmtpError> {
        let base = self.maildir.join(format!("{n:04}"));
        for _ in 0..200 {
            if let Ok(meta) = std::fs::read_to_string(base.with_extension("json")) {
                let raw =
                    std::fs::read(base.with_extension("eml")).map_err(|e| SmtpError::Message {
                        n,
                        reason: e.to_string(),
                    })?;
                let meta = serde_json::from_str(&meta).map_err(|e| SmtpError::Message {
                    n,
                    reason: e.to_string(),
                })?;
                return Ok((raw, meta));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err(SmtpError::Message {
            n,
            reason: "never arrived".into(),
        })
    }

    /// Messages stored so far (the metadata file is written last, so a counted one is whole).
    pub fn count(&self) -> usize {
        std::fs::read_dir(&self.maildir).map_or(0, |dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
    }
}
