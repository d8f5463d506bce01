//! INTEGRATE: `kforge package` is wired once its library side lands.

use super::Status;
use super::args::*;

pub fn run(args: PackageArgs) -> Status {
    let _ = args;
    eprintln!("error: kforge package is not available yet");
    Status::CouldNotRun
}
