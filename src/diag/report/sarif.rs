use crate::Run;
use std::io;
pub(super) fn write(
    run: &Run,
    options: &super::ReportOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let _ = (run, options, out);
    Ok(())
}
