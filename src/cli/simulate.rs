//! INTEGRATE: `kforge simulate` is wired once its library side lands.

use super::Status;
use super::args::*;

pub fn run(args: SimulateArgs) -> Status {
    let _ = args;
    eprintln!("error: kforge simulate is not available yet");
    Status::CouldNotRun
}
