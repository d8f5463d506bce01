//! Every format on one hand-built run: an error with a secondary label in another file, a warning
//! with help on a value that came from a template expression, a suppressed finding, an info on a
//! plain manifest, and a fatal problem without a location.

use std::time::Duration;

use super::{Format, ReportOptions, write};
use crate::Run;
use crate::diag::{Diagnostic, ObjectRef, Rule, Severity};
use crate::object::Object;
use crate::render::RenderedFile;
use crate::source::{FileId, LineOrigin, OriginMap, SourceKind, SourceMap, Span};
use crate::yaml::{Node, Value};

pub(super) static TARGET_PORT: Rule = Rule {
    id: "rules/service-target-port",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Service targets a port no selected container exposes",
    rationale: "Traffic sent to a port nobody listens on is refused.",
    failing: "targetPort: 8080\n",
    passing: "targetPort: 8081\n",
};

pub(super) static LOW_PORT: Rule = Rule {
    id: "rules/privileged-port",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A port below 1024 needs privileges in the container",
    rationale: "Non-root containers cannot bind ports below 1024.",
    failing: "port: 80\n",
    passing: "port: 8080\n",
};

pub(super) static LATEST: Rule = Rule {
    id: "rules/latest-tag",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "An image uses the latest tag",
    rationale: "A moving tag makes rollouts unreproducible.",
    failing: "image: nginx:latest\n",
    passing: "image: nginx:1.27\n",
};

pub(super) static NO_LIMITS: Rule = Rule {
    id: "rules/no-limits",
    severity: Severity::Info,
    default_enabled: false,
    summary: "A ConfigMap is large",
    rationale: "Large ConfigMaps slow down the API server.",
    failing: "data: {}\n",
    passing: "data: {a: b}\n",
};

pub(super) static UNREADABLE: Rule = Rule {
    id: "values/unreadable-file",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "A values file cannot be read",
    rationale: "kforge cannot render without the values the user asked for.",
    failing: "-f missing.yaml\n",
    passing: "-f values.yaml\n",
};

const SERVICE_TEMPLATE: &str = "apiVersion: v1
kind: Service
metadata:
  name: {{ release.name }}-web
spec:
  selector:
    app: web
  ports:
    - port: {{ values.port }}
      targetPort: 8080
";

const SERVICE_RENDERED: &str = "apiVersion: v1
kind: Service
metadata:
  name: demo-web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
";

const DEPLOYMENT_TEMPLATE: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ release.name }}-web
spec:
  template:
    spec:
      containers:
        - name: web
          image: \"nginx:{{ values.tag }}\"
          ports:
            - containerPort: 8081
";

const DEPLOYMENT_RENDERED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo-web
spec:
  template:
    spec:
      containers:
        - name: web
          image: \"nginx:latest\"
          ports:
            - containerPort: 8081
";

const CONFIG: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: tools
data:
  url: \"http://a,b:c/100%\"
";

fn span_of(sources: &SourceMap, file: FileId, needle: &str) -> Span {
    let start = sources
        .text(file)
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in file"));
    Span::new(file, start, start + needle.len())
}

fn rendered(sources: &mut SourceMap, name: &str, template: &str, text: &str) -> (FileId, FileId) {
    let t = sources.add(name, template, SourceKind::Template);
    let lines = text.lines().count() as u32;
    let origin = OriginMap {
        lines: (0..lines)
            .map(|line| Some(LineOrigin { file: t, line }))
            .collect(),
        fallback: Some(t),
    };
    let r = sources.add_rendered(name, text, origin);
    (t, r)
}

fn object(
    file: FileId,
    sources: &SourceMap,
    api_version: &str,
    kind: &str,
    name: &str,
    namespace: Option<&str>,
    index: usize,
) -> Object {
    let span = Span::new(file, 0, sources.text(file).len());
    Object {
        root: Node::new(Value::Map(Default::default()), span),
        span,
        api_version: api_version.into(),
        kind: kind.into(),
        name: name.into(),
        namespace: namespace.map(String::from),
        index,
        schema_checked: false,
    }
}

/// The run every format is tested on.
pub(super) fn fixture() -> Run {
    let mut sources = SourceMap::new();
    sources.add(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: chart\nversion: 1.0.0\n",
        SourceKind::ChartFile,
    );
    sources.add(
        "chart/values.yaml",
        "port: 80\ntag: latest\n",
        SourceKind::Values,
    );
    let (_, deploy) = rendered(
        &mut sources,
        "chart/templates/deployment.yaml",
        DEPLOYMENT_TEMPLATE,
        DEPLOYMENT_RENDERED,
    );
    let (_, service) = rendered(
        &mut sources,
        "chart/templates/service.yaml",
        SERVICE_TEMPLATE,
        SERVICE_RENDERED,
    );
    let config = sources.add("manifests/config.yaml", CONFIG, SourceKind::Manifest);
    sources.add("--set", "tag=latest", SourceKind::Argument);

    let objects = vec![
        object(
            deploy,
            &sources,
            "apps/v1",
            "Deployment",
            "demo-web",
            None,
            0,
        ),
        object(service, &sources, "v1", "Service", "demo-web", None, 1),
        object(
            config,
            &sources,
            "v1",
            "ConfigMap",
            "settings",
            Some("tools"),
            2,
        ),
    ];
    let service_ref = objects[1].object_ref();
    let deploy_ref = objects[0].object_ref();
    let config_ref: ObjectRef = objects[2].object_ref();

    let diagnostics = vec![
        Diagnostic::new(&UNREADABLE, "cannot read values file \"missing.yaml\": no such file, 100% sure")
            .with_help("check the path given to -f"),
        Diagnostic::new(&LATEST, "container \"web\" of Deployment \"demo-web\" uses image \"nginx:latest\"")
            .at(span_of(&sources, deploy, "\"nginx:latest\""), "moving tag")
            .with_help("pin a version: tag: \"1.27\" & keep it <updated>")
            .with_object(deploy_ref),
        Diagnostic::new(
            &TARGET_PORT,
            "Service \"demo-web\" sends port 80 to targetPort 8080, which no selected container exposes",
        )
        .at(span_of(&sources, service, "8080"), "no container of Deployment \"demo-web\" listens on 8080")
        .with_label(span_of(&sources, deploy, "containerPort: 8081"), "container \"web\" exposes 8081")
        .with_label(span_of(&sources, service, "app: web"), "selects pods labelled app=web")
        .with_help("set targetPort to 8081, or name the container port (name: http) and target it by name")
        .with_object(service_ref.clone()),
        Diagnostic::new(&LOW_PORT, "Service \"demo-web\" listens on port 80")
            .at(span_of(&sources, service, "80\n"), "privileged port")
            .with_help("use a port above 1023")
            .with_note("the port comes from values.port")
            .with_object(service_ref),
        Diagnostic::new(&NO_LIMITS, "ConfigMap \"settings\" holds a URL")
            .at(span_of(&sources, config, "\"http://a,b:c/100%\""), "")
            .with_label(Span::new(config, 0, CONFIG.len()), "the whole ConfigMap")
            .with_object(config_ref.clone()),
        Diagnostic::new(&LATEST, "suppressed: ConfigMap \"settings\" is fine")
            .at(span_of(&sources, config, "settings"), "here")
            .with_object(config_ref)
            .suppressed(),
    ];
    let mut run = Run {
        sources,
        rendered: vec![
            RenderedFile {
                template: "chart/templates/deployment.yaml".into(),
                file: deploy,
            },
            RenderedFile {
                template: "chart/templates/service.yaml".into(),
                file: service,
            },
        ],
        objects,
        diagnostics,
        cluster: None,
        parts: Vec::new(),
        configurations: Vec::new(),
    };
    crate::sort_diagnostics(&run.sources, &mut run.diagnostics);
    run
}

trait Suppress {
    fn suppressed(self) -> Self;
}

impl Suppress for Diagnostic {
    fn suppressed(mut self) -> Diagnostic {
        self.suppressed = true;
        self
    }
}

pub(super) fn render(format: Format, options: &ReportOptions) -> String {
    let mut out = Vec::new();
    write(format, &fixture(), options, &mut out).expect("write to a Vec");
    String::from_utf8(out).expect("reports are UTF-8")
}

#[test]
fn human() {
    insta::assert_snapshot!(render(Format::Human, &ReportOptions::default()));
}

#[test]
fn human_quiet_shows_only_errors() {
    let text = render(
        Format::Human,
        &ReportOptions {
            quiet: true,
            ..ReportOptions::default()
        },
    );
    insta::assert_snapshot!(text);
}

#[test]
fn human_color_and_elapsed() {
    let options = ReportOptions {
        color: true,
        elapsed: Some(Duration::from_millis(12)),
        ..ReportOptions::default()
    };
    let text = render(Format::Human, &options);
    assert!(
        text.contains("\x1b[1;31merror[rules/service-target-port]\x1b[0m"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("in 12 ms\x1b[0m"), "{text}");
    let plain = render(Format::Human, &ReportOptions::default());
    assert!(!plain.contains('\x1b'));
}

#[test]
fn json() {
    insta::assert_snapshot!(render(Format::Json, &ReportOptions::default()));
}

#[test]
fn github() {
    insta::assert_snapshot!(render(Format::Github, &ReportOptions::default()));
}

#[test]
fn github_escaping() {
    use super::github::{escape_data, escape_property};
    assert_eq!(escape_data("100%\r\nnext: a,b"), "100%25%0D%0Anext: a,b");
    assert_eq!(escape_property("C:\\x,y%\n"), "C%3A\\x%2Cy%25%0A");
}

#[test]
fn suppressed_findings_are_counted_not_shown() {
    let human = render(Format::Human, &ReportOptions::default());
    assert!(!human.contains("suppressed: ConfigMap"));
    assert!(human.contains("(1 suppressed)"));
    assert!(!render(Format::Github, &ReportOptions::default()).contains("suppressed: ConfigMap"));
}

fn sarif_text(options: &ReportOptions) -> String {
    let rules: [&'static Rule; 3] = [&LATEST, &TARGET_PORT, &UNREADABLE];
    let doc = super::sarif::document(&fixture(), options, &rules);
    let text = serde_json::to_string_pretty(&doc).expect("JSON");
    // The tool version changes with every release; the snapshot should not.
    text.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[version]\"",
    )
}

#[test]
fn sarif() {
    insta::assert_snapshot!(sarif_text(&ReportOptions::default()));
}

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn sarif_is_valid_against_the_schema() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        shared.is_dir(),
        "this test needs ../shared beside the repository"
    );
    let schema_text =
        std::fs::read_to_string(shared.join("reference/sarif-schema-2.1.0.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    for options in [
        ReportOptions::default(),
        ReportOptions {
            sarif_root: Some("chart".into()),
            ..ReportOptions::default()
        },
    ] {
        let mut out = Vec::new();
        write(Format::Sarif, &fixture(), &options, &mut out).expect("write");
        let doc: serde_json::Value = serde_json::from_slice(&out).expect("SARIF is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn sarif_paths_are_relative_to_the_root() {
    use super::sarif::uri;
    use std::path::Path;
    assert_eq!(
        uri("chart/templates/a b.yaml", None),
        ("chart/templates/a%20b.yaml".to_string(), true)
    );
    assert_eq!(uri("./chart/../x.yaml", None), ("x.yaml".to_string(), true));
    assert_eq!(
        uri("/repo/chart/x.yaml", Some(Path::new("/repo"))),
        ("chart/x.yaml".to_string(), true)
    );
    assert_eq!(
        uri("/elsewhere/x.yaml", Some(Path::new("/repo"))),
        ("file:///elsewhere/x.yaml".to_string(), false)
    );
    let cwd = std::env::current_dir().expect("cwd");
    assert_eq!(
        uri("chart/x.yaml", Some(&cwd)),
        ("chart/x.yaml".to_string(), true)
    );
    assert_eq!(
        uri("chart/x.yaml", Some(&cwd.join("chart"))),
        ("x.yaml".to_string(), true)
    );
}

#[test]
fn sarif_fingerprints_ignore_line_moves() {
    let doc = super::sarif::document(&fixture(), &ReportOptions::default(), &[]);
    let fingerprints: Vec<String> = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["kforge/v1"]
                .as_str()
                .expect("fingerprint")
                .to_string()
        })
        .collect();
    let mut unique = fingerprints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        fingerprints.len(),
        "distinct findings get distinct fingerprints"
    );

    // Shift every line of the manifest down by one: the fingerprints stay.
    let mut run = fixture();
    let mut moved = SourceMap::new();
    for (_, f) in run.sources.files() {
        let text = if f.name == "manifests/config.yaml" {
            format!("# moved\n{}", f.text())
        } else {
            f.text().to_string()
        };
        match &f.origin {
            Some(origin) => moved.add_rendered(f.name.clone(), text, origin.clone()),
            None => moved.add(f.name.clone(), text, f.kind),
        };
    }
    let config = run.objects[2].span.file;
    for d in &mut run.diagnostics {
        if let Some(p) = d.primary.as_mut().filter(|p| p.span.file == config) {
            p.span.start += 8;
            p.span.end += 8;
        }
    }
    run.sources = moved;
    let after = super::sarif::document(&run, &ReportOptions::default(), &[]);
    assert_ne!(
        after["runs"][0]["results"], doc["runs"][0]["results"],
        "lines moved"
    );
    let after_fingerprints: Vec<String> = after["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["kforge/v1"]
                .as_str()
                .expect("fingerprint")
                .to_string()
        })
        .collect();
    assert_eq!(after_fingerprints, fingerprints);
}

const DOC_RULES: [&Rule; 3] = [&NO_LIMITS, &TARGET_PORT, &UNREADABLE];

#[test]
fn rules_list() {
    insta::assert_snapshot!(super::rules_doc::list_of(&DOC_RULES));
}

#[test]
fn rule_explain() {
    insta::assert_snapshot!(super::rule_explain(&TARGET_PORT));
}

#[test]
fn rules_markdown() {
    insta::assert_snapshot!(super::rules_doc::reference_of(&DOC_RULES));
}

#[test]
fn rule_doc_urls_match_github_heading_anchors() {
    assert_eq!(
        super::rule_doc_url("yaml/duplicate-key"),
        "https://github.com/kforge-dev/kforge/blob/main/docs/rules.md#yamlduplicate-key"
    );
    for rule in crate::diag::registry::all() {
        assert!(super::rules_list().contains(rule.id));
        assert!(super::rules_markdown().contains(&format!("`{}`", rule.id)));
        assert!(super::rules_reference_markdown().contains(&format!("\n### {}\n", rule.id)));
    }
}

#[test]
fn junit() {
    insta::assert_snapshot!(render(Format::Junit, &ReportOptions::default()));
}

#[test]
fn junit_is_well_formed_xml() {
    let xml = render(Format::Junit, &ReportOptions::default());
    let elements = xml_check::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let count = |name: &str| elements.iter().filter(|(n, _)| n == name).count();
    assert_eq!(count("testsuites"), 1);
    assert_eq!(count("testsuite"), 3, "chart, manifest file, run-wide");
    assert_eq!(count("testcase"), 4, "three objects and the run-wide fatal");
    assert_eq!(count("failure"), 2);
    let failure = elements
        .iter()
        .find(|(n, a)| {
            n == "failure"
                && a.iter()
                    .any(|(k, v)| k == "type" && v == "values/unreadable-file")
        })
        .expect("the fatal's failure");
    assert!(
        failure
            .1
            .iter()
            .any(|(k, v)| k == "message" && v.contains("\"missing.yaml\": no such file"))
    );
    let web = elements
        .iter()
        .find(|(n, a)| {
            n == "testcase"
                && a.iter()
                    .any(|(k, v)| k == "name" && v == "Service/demo-web")
        })
        .expect("the Service's testcase");
    assert!(web.1.iter().any(|(k, v)| k == "classname" && v == "chart"));
}

/// Just enough of an XML reader to prove the output well-formed: nesting, quoting and entities.
mod xml_check {
    type Element = (String, Vec<(String, String)>);

    fn unescape(s: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..]
                .find(';')
                .ok_or_else(|| format!("unterminated entity in {s:?}"))?
                + i;
            out.push_str(match &rest[i + 1..end] {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                "apos" => "'",
                e if e.starts_with('#') => "\u{FFFD}",
                e => return Err(format!("unknown entity &{e};")),
            });
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Every element in document order with its unescaped attributes.
    pub fn parse(xml: &str) -> Result<Vec<Element>, String> {
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .ok_or("no XML declaration")?;
        let mut stack: Vec<String> = Vec::new();
        let mut elements = Vec::new();
        let mut roots = 0;
        let mut rest = body;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            if stack.is_empty() && !text.trim().is_empty() {
                return Err(format!("text outside the root: {text:?}"));
            }
            unescape(text)?;
            let close = rest[open..].find('>').ok_or("unterminated tag")? + open;
            let tag = &rest[open + 1..close];
            rest = &rest[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name) {
                    return Err(format!("mismatched </{name}>"));
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
            let name = tag[..name_end].to_string();
            let mut attrs = Vec::new();
            let mut a = tag[name_end..].trim_start();
            while !a.is_empty() {
                let eq = a
                    .find("=\"")
                    .ok_or_else(|| format!("bad attribute in <{name}>: {a:?}"))?;
                let key = a[..eq].trim().to_string();
                let value_end = a[eq + 2..].find('"').ok_or("unterminated attribute")? + eq + 2;
                let raw = &a[eq + 2..value_end];
                if raw.contains('<') {
                    return Err(format!("'<' in attribute {key}"));
                }
                attrs.push((key, unescape(raw)?));
                a = a[value_end + 1..].trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            elements.push((name.clone(), attrs));
            if !self_closing {
                stack.push(name);
            }
        }
        if !rest.trim().is_empty() || !stack.is_empty() || roots != 1 {
            return Err(format!(
                "unbalanced document: open {stack:?}, {roots} roots"
            ));
        }
        Ok(elements)
    }
}

#[test]
fn odd_spans_never_panic() {
    let mut run = fixture();
    let config = run.objects[2].span.file;
    let len = run.sources.text(config).len();
    let spans = [
        Span::new(config, 0, 0),
        Span::new(config, len, len),
        Span::new(config, len + 10, len + 20),
        Span::new(config, 3, len),
        Span::new(FileId(999), 0, 5),
    ];
    run.diagnostics = spans
        .iter()
        .map(|s| {
            Diagnostic::new(&LATEST, "odd")
                .at(*s, "here")
                .with_label(*s, "there")
        })
        .collect();
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
    ] {
        let mut out = Vec::new();
        write(format, &run, &ReportOptions::default(), &mut out).expect("write");
        assert!(!out.is_empty());
    }
}

#[test]
#[ignore = "prints the coloured report for eyeballing: cargo test --lib report::tests::show -- --ignored --nocapture"]
fn show() {
    print!(
        "{}",
        render(
            Format::Human,
            &ReportOptions {
                color: true,
                ..ReportOptions::default()
            }
        )
    );
}
