//! INTEGRATE: `kforge rules` is wired once its library side lands.

use super::Status;
use super::args::*;

pub fn run(args: RulesArgs) -> Status {
    let _ = args;
    eprintln!("error: kforge rules is not available yet");
    Status::CouldNotRun
}
