//! `kforge completions SHELL`: completion scripts generated from the clap definitions (the
//! checked-in copies in `completions/` are kept in sync by a test).

use super::Status;
use super::args::CompletionsArgs;

pub fn run(args: CompletionsArgs) -> Status {
    let mut cmd = super::command();
    clap_complete::generate(args.shell, &mut cmd, "kforge", &mut std::io::stdout());
    Status::Clean
}

/// The completion script for `shell`, as `kforge completions` prints it.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = super::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kforge", &mut out);
    out
}

/// The man page (roff), generated with clap_mangen.
pub fn man_page() -> Vec<u8> {
    let mut out = Vec::new();
    let _ = clap_mangen::Man::new(super::command()).render(&mut out);
    out
}
