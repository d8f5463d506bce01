//! `kforge template`: render a chart and print (or write) the manifests with `# Source:` headers,
//! in Helm's install order.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::Status;
use super::args::TemplateArgs;
use super::common::{self, UsageError};
use crate::chart::Input;
use crate::helm::stream;
use crate::object::Object;
use crate::source::FileId;
use crate::{Run, Stages};

/// One YAML document of the rendered output, with the template it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct Manifest {
    pub source: String,
    pub content: String,
    /// A Helm hook (or NOTES.txt): printed after the manifests, untrimmed.
    pub hook: bool,
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
    // One run, then the process ends: what the render built is not freed piece by piece.
    crate::memory::ends_after_run();
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
    let status = common::status(&run, false, None);
    crate::memory::dispose((run, manifests));
    status
}

/// The documents `helm template` prints, in its order (see [`crate::helm::stream`]): manifests
/// by kind, then hooks. NOTES.txt, when rendered, comes last.
pub fn manifests(run: &Run) -> Vec<Manifest> {
    let mut files: Vec<(&str, FileId)> = run
        .rendered
        .iter()
        .filter(|r| !r.is_notes())
        .map(|r| (r.template.as_str(), r.file))
        .collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut objects: HashMap<FileId, Vec<&Object>> = HashMap::new();
    for o in &run.objects {
        objects.entry(o.file()).or_default().push(o);
    }
    let mut docs = Vec::new();
    for (source, file) in files {
        let text = run.sources.text(file);
        let in_file = objects.get(&file).map_or(&[][..], Vec::as_slice);
        for (start, end) in stream::split_ranges(text) {
            let Some(content) = text.get(start..end) else {
                continue;
            };
            let (kind, hook) =
                parsed_head(text, (start, end), in_file).unwrap_or_else(|| stream::head(content));
            docs.push(stream::Document {
                source: source.to_string(),
                kind,
                content: content.to_string(),
                hook,
            });
        }
    }
    let mut docs: Vec<Manifest> = stream::arrange(docs)
        .into_iter()
        .map(|d| Manifest {
            source: d.source,
            content: d.content,
            hook: d.hook.is_some(),
        })
        .collect();
    for rendered in run.rendered.iter().filter(|r| r.is_notes()) {
        docs.push(Manifest {
            source: rendered.template.clone(),
            content: run.sources.text(rendered.file).trim_end().to_string(),
            hook: true,
        });
    }
    docs
}

/// The kind and hook of the document at `range` of a rendered file from the object the parse
/// stage loaded from it, sparing a second parse of the output. `None` (parse it) unless exactly
/// one object came from the range and it is the document's root, with only blank and comment
/// lines before it: a list's items, several documents in one range (`...`), a document that
/// is not an object or did not load all go the long way.
fn parsed_head(
    text: &str,
    (start, end): (usize, usize),
    objects: &[&Object],
) -> Option<(String, Option<String>)> {
    let mut inside = objects
        .iter()
        .filter(|o| (start..end).contains(&(o.span.start as usize)));
    let object = inside.next()?;
    if inside.next().is_some() {
        return None;
    }
    let before = text.get(start..object.root.span.start as usize)?;
    let only_comments = before.split('\n').all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    });
    only_comments.then(|| stream::head_of(&object.root))
}

/// `helm template`'s output: the manifests' block trimmed, then hooks (and notes) as they are.
pub fn to_stream(manifests: &[Manifest]) -> String {
    stream::write_stream(
        manifests
            .iter()
            .map(|m| (m.source.as_str(), m.content.as_str(), m.hook)),
    )
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
    fn show_only_matches_path_inside_chart() {
        assert!(shows("web/templates/svc.yaml", "templates/svc.yaml"));
        assert!(shows(
            "web/charts/db/templates/svc.yaml",
            "charts/db/templates/svc.yaml"
        ));
        assert!(!shows("web/templates/svc.yaml", "templates/deploy.yaml"));
    }
}
