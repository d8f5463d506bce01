use crate::Run;
use std::io;
pub(super) fn write(run: &Run, out: &mut dyn io::Write) -> io::Result<()> {
    let _ = (run, out);
    Ok(())
}
