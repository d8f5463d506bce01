//! INTEGRATE: `kforge init` is wired once its library side lands.

use super::Status;
use super::args::*;

pub fn run(args: InitArgs) -> Status {
    let _ = args;
    eprintln!("error: kforge init is not available yet");
    Status::CouldNotRun
}
