//! `--format github`: GitHub Actions workflow commands, one annotation per finding shown
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RULE::message`). Fatal findings are
//! errors, infos are notices; the help text follows the message on its own line, then, for a
//! finding of a values matrix that holds in some configurations only, which.

use std::io;

use super::{only_in_line, primary_location, visible};
use crate::Run;
use crate::diag::Severity;

pub(super) fn write(run: &Run, out: &mut dyn io::Write) -> io::Result<()> {
    for d in visible(run) {
        let command = match d.severity {
            Severity::Fatal | Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if let Some(loc) = primary_location(run, d) {
            properties.push(format!("file={}", escape_property(&loc.path)));
            properties.push(format!("line={}", loc.line));
            properties.push(format!("col={}", loc.column));
            properties.push(format!("endLine={}", loc.end_line));
            properties.push(format!("endColumn={}", loc.end_column));
        }
        properties.push(format!("title={}", escape_property(d.rule.id)));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        if let Some(line) = only_in_line(d) {
            message.push('\n');
            message.push_str(&line);
        }
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Escaping of a command's message (GitHub's `escapeData`).
pub(super) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a property value (GitHub's `escapeProperty`): also `:` and `,`, which would end it.
pub(super) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
