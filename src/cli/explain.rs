//! INTEGRATE: `kforge explain` is wired once its library side lands.

use super::Status;
use super::args::*;

pub fn run(args: ExplainArgs) -> Status {
    let _ = args;
    eprintln!("error: kforge explain is not available yet");
    Status::CouldNotRun
}
