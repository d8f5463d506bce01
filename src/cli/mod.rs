//! Command-line interface: clap definitions (`args`) and one module per command. Commands turn
//! flags into library calls and hand results to the reporters; exit codes are decided here.

pub mod args;
mod changed;
mod common;
pub mod completions;
mod explain;
mod init;
mod lint;
mod package;
mod rules;
mod simulate;
pub mod template;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

pub use args::Cli;

/// Exit status: 0 no errors, 1 errors found, 2 could not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Clean,
    Findings,
    CouldNotRun,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        match s {
            Status::Clean => ExitCode::SUCCESS,
            Status::Findings => ExitCode::from(1),
            Status::CouldNotRun => ExitCode::from(2),
        }
    }
}

/// The clap command, for completions, the man page and tests.
pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    // The long version names the commit: only here, not in `command()`, so that the man pages
    // generated from it (checked in, kept in sync by a test) do not change with every commit.
    let matches = match command()
        .long_version(crate::version::long())
        .try_get_matches()
    {
        Ok(m) => m,
        Err(e) => {
            // clap prints usage errors itself; --help and --version are successes.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    let sub = matches.subcommand().map(|(_, m)| m);
    let status = match cli.command {
        args::Command::Lint(a) => lint::run(a, sub),
        args::Command::Template(a) => template::run(a),
        args::Command::Simulate(a) => simulate::run(a),
        args::Command::Package(a) => package::run(a),
        args::Command::Rules(a) => rules::run(a),
        args::Command::Explain(a) => explain::run(a),
        args::Command::Init(a) => init::run(a),
        args::Command::Completions(a) => completions::run(a),
    };
    status.into()
}
