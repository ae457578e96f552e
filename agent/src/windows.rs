//! The agent as a Windows service (`inkaso-agent --config … windows-service`, registered by
//! `inkaso-installer setup --service windows`): the service manager starts the process, this
//! module tells it the service runs, turns its Stop and Shutdown into the stop of the same
//! service loop `run` uses ([`commands::run_service_until`]), and reports it stopped.
//!
//! **Not yet run on Windows**: it is compiled and linted for Windows on every `make lint`
//! (`x86_64-pc-windows-gnu`, a cross check), but no Windows machine has run it. It is kept this
//! small on purpose; everything it calls is the code the Linux tests exercise. A failure — an
//! error that stops the service, or a panic — goes to the Application Event Log (source
//! `InkasoAgent`, written with Windows' own `eventcreate`, so no unsafe FFI here) and to the
//! service manager as a service-specific exit code; the daily log file beside the state has
//! the rest.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use inkaso_shared::Lang;
use windows_service::service::{
    ServiceControl, ServiceControlAccept, ServiceExitCode, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult};
use windows_service::{define_windows_service, service_dispatcher};

use crate::commands;

/// The service's name, as the installer registers it.
pub const SERVICE_NAME: &str = "InkasoAgent";

/// What the service main needs, set before the dispatcher starts.
static START: OnceLock<(PathBuf, Lang)> = OnceLock::new();

define_windows_service!(ffi_service_main, service_main);

/// Hands the process to the service manager; returns when the service has stopped.
pub fn run(config: PathBuf, lang: Lang) -> Result<(), String> {
    let _ = START.set((config, lang));
    service_dispatcher::start(SERVICE_NAME, ffi_service_main).map_err(|e| e.to_string())
}

fn status(state: ServiceState, exit: u32) -> ServiceStatus {
    ServiceStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state: state,
        controls_accepted: if state == ServiceState::Running {
            ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN
        } else {
            ServiceControlAccept::empty()
        },
        exit_code: if exit == 0 {
            ServiceExitCode::Win32(0)
        } else {
            ServiceExitCode::ServiceSpecific(exit)
        },
        checkpoint: 0,
        wait_hint: Duration::from_secs(15),
        process_id: None,
    }
}

/// Writes `message` to the Application Event Log as an error of the source `InkasoAgent`
/// (`eventcreate` registers the source on first use); best effort: the log file has it too.
pub fn report_to_event_log(message: &str) {
    // eventcreate takes at most a few thousand characters; the start is what matters.
    let text: String = message.chars().take(2000).collect();
    let _ = std::process::Command::new("eventcreate")
        .args([
            "/T",
            "ERROR",
            "/ID",
            "100",
            "/L",
            "APPLICATION",
            "/SO",
            SERVICE_NAME,
            "/D",
        ])
        .arg(text)
        .output();
}

fn service_main(_arguments: Vec<OsString>) {
    // A crash must be seen where Windows administrators look first.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report_to_event_log(&format!("inkaso-agent: {info}"));
        default_hook(info);
    }));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let handler = move |control| match control {
        ServiceControl::Stop | ServiceControl::Shutdown => {
            let _ = stop_tx.send(true);
            ServiceControlHandlerResult::NoError
        }
        // The service manager asks how we are: always answered.
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    };
    let Ok(handle) = service_control_handler::register(SERVICE_NAME, handler) else {
        return;
    };
    let _ = handle.set_service_status(status(ServiceState::Running, 0));
    let exit = match serve(stop_rx) {
        Ok(()) => 0,
        Err(why) => {
            tracing::error!(%why, "the Windows service stopped on an error");
            report_to_event_log(&format!("inkaso-agent: {why}"));
            1
        }
    };
    let _ = handle.set_service_status(status(ServiceState::Stopped, exit));
}

fn serve(mut stop: tokio::sync::watch::Receiver<bool>) -> Result<(), String> {
    let (config, lang) = START.get().cloned().ok_or("no configuration given")?;
    let config = crate::config::load_localized(Some(config.as_path()), lang)?;
    crate::logging::init_service(&crate::logging::service_dir(&commands::state_path(&config)));
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let agent = commands::Agent::open(config, lang).await.map_err(|e| e.0)?;
        let stopped = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        commands::run_service_until(&agent, stopped)
            .await
            .map_err(|e| e.0)
    })
}
