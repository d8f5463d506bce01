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

/// Man pages (roff), generated with clap_mangen: `kforge.1` and one `kforge-<command>.1` per
/// command, as (file name, content).
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut cmd = super::command();
    cmd.build();
    let mut pages = Vec::new();
    let mut render = |file: String, page: clap::Command| {
        let mut out = Vec::new();
        if clap_mangen::Man::new(page).render(&mut out).is_ok() {
            pages.push((file, out));
        }
    };
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("kforge-{}", sub.get_name());
        render(
            format!("{name}.1"),
            sub.clone().name(name.clone()).display_name(name),
        );
    }
    render("kforge.1".to_string(), cmd);
    pages
}
