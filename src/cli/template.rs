//! `kforge template`: render a chart and print (or write) the manifests with `# Source:` headers,
//! in Helm's install order.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::Status;
use super::args::TemplateArgs;
use super::common::{self, UsageError};
use crate::chart::Input;
use crate::object::install_order_key;
use crate::{Run, Stages};

/// One YAML document of the rendered output, with the template it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct Manifest {
    pub source: String,
    pub kind: String,
    pub content: String,
}

pub fn run(args: TemplateArgs) -> Status {
    let mut options = match common::options(&args.render, None) {
        Ok(o) => o,
        Err(e) => return common::usage_error(e),
    };
    options.stages = Stages {
        schema: false,
        rules: false,
        cluster: false,
    };
    options.include_notes = args.notes;
    let run = crate::run(&[Input::Path(args.chart.clone())], &options);
    if run.has_fatal() {
        common::report_to_stderr(&run, args.color, false);
        return Status::CouldNotRun;
    }
    let mut manifests = manifests(&run);
    if !args.show_only.is_empty() {
        for wanted in &args.show_only {
            if !manifests.iter().any(|m| shows(&m.source, wanted)) {
                return common::usage_error(UsageError(format!(
                    "could not find template {wanted} in chart"
                )));
            }
        }
        manifests.retain(|m| args.show_only.iter().any(|w| shows(&m.source, w)));
    }
    // Names with control characters are refused when the chart is read; this keeps any that
    // could reach here from changing the stream or the files written.
    if let Some(m) = manifests
        .iter()
        .find(|m| crate::package::has_control(&m.source))
    {
        return common::usage_error(UsageError(format!(
            "refusing to print template `{}`: its name has a control character or a line separator",
            crate::package::shown_name(&m.source)
        )));
    }
    let written = match &args.output_dir {
        Some(dir) => write_dir(dir, &manifests),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(to_stream(&manifests).as_bytes())
                .map_err(|e| format!("cannot write to standard output: {e}"))
        }
    };
    if let Err(message) = written {
        return common::usage_error(UsageError(message));
    }
    if !run.diagnostics.is_empty() {
        common::report_to_stderr(&run, args.color, false);
    }
    common::status(&run, false, None)
}

/// Splits rendered files into documents and orders them as Helm installs them (by kind; stable,
/// so template order is kept within a kind). NOTES.txt, when rendered, comes last as Helm prints it.
pub fn manifests(run: &Run) -> Vec<Manifest> {
    let mut docs = Vec::new();
    let mut notes = Vec::new();
    for rendered in &run.rendered {
        let text = run.sources.text(rendered.file);
        if rendered.is_notes() {
            notes.push(Manifest {
                source: rendered.template.clone(),
                kind: String::new(),
                content: text.trim_end().to_string(),
            });
            continue;
        }
        for content in split_documents(text) {
            docs.push(Manifest {
                source: rendered.template.clone(),
                kind: kind_of(&content),
                content,
            });
        }
    }
    docs.sort_by_cached_key(|m| install_order_key(&m.kind));
    docs.extend(notes);
    docs
}

pub fn to_stream(manifests: &[Manifest]) -> String {
    let mut out = String::new();
    for m in manifests {
        out.push_str("---\n# Source: ");
        out.push_str(&m.source);
        out.push('\n');
        out.push_str(&m.content);
        out.push('\n');
    }
    out
}

/// Documents of a YAML stream, split at `---` lines, each trimmed; empty ones dropped (as Helm).
fn split_documents(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t") {
            docs.push(std::mem::take(&mut current));
            continue;
        }
        current.push_str(line);
    }
    docs.push(current);
    docs.into_iter()
        .map(|d| d.trim_end().trim_start_matches(['\n', '\r']).to_string())
        .filter(|d| {
            d.lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .collect()
}

fn kind_of(doc: &str) -> String {
    doc.lines()
        .find_map(|l| l.strip_prefix("kind:"))
        .map(|k| k.trim().trim_matches(['"', '\'']).to_string())
        .unwrap_or_default()
}

/// Whether `--show-only wanted` selects a template: by path inside its chart
/// (`templates/x.yaml`, `charts/sub/templates/x.yaml`) or by full name.
fn shows(source: &str, wanted: &str) -> bool {
    let wanted = wanted.trim_start_matches("./");
    source == wanted
        || source
            .split_once('/')
            .is_some_and(|(_, inside)| inside == wanted)
}

/// Writes every template's documents to `dir/<template name>`: first into a staging folder inside
/// `dir`, then renamed into place, so a failure leaves no partial files.
fn write_dir(dir: &Path, manifests: &[Manifest]) -> Result<(), String> {
    let mut by_file: Vec<(PathBuf, String)> = Vec::new();
    for m in manifests {
        let relative = Path::new(&m.source);
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(format!(
                "refusing to write template {:?} outside {}",
                m.source,
                dir.display()
            ));
        }
        let entry = format!("---\n# Source: {}\n{}\n", m.source, m.content);
        match by_file.iter_mut().find(|(p, _)| p == relative) {
            Some((_, text)) => text.push_str(&entry),
            None => by_file.push((relative.to_path_buf(), entry)),
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // An unpredictable folder only this user can enter, created exclusively: nothing planted in
    // a shared OUT (a link under a guessable name) can redirect the writes.
    crate::package::remove_stale(dir);
    let staging = crate::package::create_temp_dir(dir, ".kforge-staging")
        .map_err(|e| format!("cannot write rendered templates to {}: {e}", dir.display()))?;
    let staged = (|| -> std::io::Result<()> {
        for (relative, text) in &by_file {
            let path = staging.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?
                .write_all(text.as_bytes())?;
        }
        for (relative, _) in &by_file {
            let target = dir.join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::rename(staging.join(relative), &target)?;
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&staging);
    staged.map_err(|e| format!("cannot write rendered templates to {}: {e}", dir.display()))?;
    for (relative, _) in &by_file {
        println!("wrote {}", dir.join(relative).display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_like_helm() {
        let docs = split_documents("# c\n---\na: 1\n---\n\n---\nkind: X\n...\n");
        assert_eq!(docs, vec!["a: 1".to_string(), "kind: X\n...".to_string()]);
    }

    #[test]
    fn show_only_matches_path_inside_chart() {
        assert!(shows("web/templates/svc.yaml", "templates/svc.yaml"));
        assert!(shows(
            "web/charts/db/templates/svc.yaml",
            "charts/db/templates/svc.yaml"
        ));
        assert!(!shows("web/templates/svc.yaml", "templates/deploy.yaml"));
    }
}
