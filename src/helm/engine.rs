//! Which template engine a chart is written for.
//!
//! A Helm chart needs no change: without a declaration a chart is read as Go templates. kforge's
//! own Jinja charts say so in Chart.yaml, where Helm ignores it:
//!
//! ```yaml
//! annotations:
//!   kforge.dev/engine: jinja
//! ```
//!
//! A chart without the declaration whose templates fail as Go templates but compile as Jinja
//! (charts written for kforge before the declaration existed) is rendered as Jinja with one
//! warning naming the declaration to add.

use crate::catalog::render::{UNDECLARED_JINJA, UNKNOWN_ENGINE};
use crate::chart::Chart;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::yaml::Node;

/// The Chart.yaml annotation that names the engine.
pub const ANNOTATION: &str = "kforge.dev/engine";

/// What a chart's templates are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Go text/template with Sprig and Helm's functions: every Helm chart.
    Helm,
    /// kforge's Jinja flavour (minijinja).
    Jinja,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Helm => "helm",
            Engine::Jinja => "jinja",
        }
    }

    /// How templates of this engine are described to people.
    pub fn describe(self) -> &'static str {
        match self {
            Engine::Helm => "Helm (Go templates)",
            Engine::Jinja => "kforge Jinja",
        }
    }
}

/// The engine Chart.yaml declares, if any. An unknown name is reported (the chart is then read
/// as a Helm chart).
pub fn declared(chart: &Chart, diags: &mut Vec<Diagnostic>) -> Option<Engine> {
    let node = chart
        .metadata
        .tree
        .get("annotations")
        .and_then(|a| a.get(ANNOTATION))?;
    let text = node.scalar_text().unwrap_or_default();
    match text.trim().to_ascii_lowercase().as_str() {
        "jinja" => Some(Engine::Jinja),
        "helm" | "gotpl" | "go" => Some(Engine::Helm),
        _ => {
            let mut d = Diagnostic::new(
                &UNKNOWN_ENGINE,
                format!(
                    "Chart.yaml annotation {ANNOTATION} is {text:?}; kforge knows \"helm\" and \"jinja\""
                ),
            )
            .at(node.span, "not an engine")
            .with_help("the chart is read as a Helm chart (Go templates)");
            if let Some(near) = crate::diag::did_you_mean(&text, ["helm", "jinja"]) {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            diags.push(d);
            Some(Engine::Helm)
        }
    }
}

/// The warning for a Jinja chart recognised without its declaration.
pub fn undeclared_jinja(chart: &Chart) -> Diagnostic {
    Diagnostic::new(
        &UNDECLARED_JINJA,
        format!(
            "chart {:?} is rendered as kforge Jinja: its templates are not Go templates, and Chart.yaml does not declare an engine",
            chart.metadata.name
        ),
    )
    .at(declaration_site(chart), "add the engine declaration here")
    .with_help(format!(
        "add to Chart.yaml:\nannotations:\n  {ANNOTATION}: jinja"
    ))
}

/// The help added to Go-template errors of a chart with no declaration: how to switch engines.
pub fn switch_help() -> String {
    format!(
        "the chart was rendered as a Helm chart (Go templates); if it is a kforge Jinja chart, add to Chart.yaml:\nannotations:\n  {ANNOTATION}: jinja"
    )
}

/// Where the declaration belongs: the `annotations` key when there is one, else the file start.
fn declaration_site(chart: &Chart) -> Span {
    match chart.metadata.tree.entry("annotations") {
        Some((key, _)) => key.span,
        None => first_key(&chart.metadata.tree).unwrap_or(Span::new(chart.chart_file, 0, 0)),
    }
}

fn first_key(tree: &Node) -> Option<Span> {
    tree.as_map()?.first().map(|(k, _)| k.span)
}
