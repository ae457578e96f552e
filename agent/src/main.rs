use clap::Parser;

fn main() -> std::process::ExitCode {
    inkaso_agent::cli::run(inkaso_agent::cli::Cli::parse())
}
