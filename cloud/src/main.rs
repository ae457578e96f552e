use clap::Parser;

fn main() -> anyhow::Result<()> {
    inkaso_cloud::cli::run(inkaso_cloud::cli::Cli::parse())
}
