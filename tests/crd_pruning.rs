//! The schemas of CRDs no object of the run can use are dropped once the CRD is validated
//! (`schema::Pruning`, issue 19): what a run finds must not change, whether a CRD is pruned or
//! not, and custom resources of the groups and kinds the run uses are still validated against
//! theirs.

use crate::common;
use kforge::chart::Input;
use kforge::{Options, Run};

/// A CRD of `group` and kind `kind` whose schema's `spec.size` is described by `size`.
fn crd_text(group: &str, kind: &str, size: &str) -> String {
    let plural = format!("{}s", kind.to_lowercase());
    format!(
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: {plural}.{group}
spec:
  group: {group}
  scope: Namespaced
  names: {{kind: {kind}, plural: {plural}}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {size}
"
    )
}

/// Three CRDs: `gadgets.unused.example.com`, whose schema has a mistake the schema stage finds
/// and whose group no object names; `widgets.used.example.com`, which a later file's custom
/// resource breaks; and `sprockets.used.example.com`, of that group but a kind no object is
/// of, whose schema has a mistake too.
fn crds() -> String {
    [
        crd_text(
            "unused.example.com",
            "Gadget",
            "{type: integer, minimum: lots}",
        ),
        crd_text("used.example.com", "Widget", "{type: integer, maximum: 5}"),
        crd_text(
            "used.example.com",
            "Sprocket",
            "{type: integer, maximum: many}",
        ),
    ]
    .join("---\n")
}

/// The line (1-based) of `text` that holds `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

const WIDGET: &str = "\
apiVersion: used.example.com/v1
kind: Widget
metadata:
  name: big
  namespace: default
spec:
  size: 9
";

/// A ConfigMap whose data names the unused group (any `apiVersion` written counts) and whose
/// kind is written with a tag (a kind the scan cannot read): with it no CRD is pruned.
const MENTION: &str = "\
apiVersion: v1
kind: !!str ConfigMap
metadata:
  name: note
  namespace: default
data:
  example: 'apiVersion: unused.example.com/v1'
";

fn lint(files: &[(&str, &str)]) -> (tempfile::TempDir, Run) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    // As `kforge lint` runs (the library keeps every object whole unless asked).
    let options = Options {
        prune_crd_schemas: true,
        ..Options::default()
    };
    let run = kforge::run(&[Input::Path(dir.path().to_path_buf())], &options);
    (dir, run)
}

/// Each finding as a reader sees it: file name, line, column, rule, message.
fn findings(run: &Run) -> Vec<String> {
    run.diagnostics
        .iter()
        .map(|d| {
            let at = d.primary.as_ref().map(|l| run.sources.locate(l.span));
            let at = at.map(|l| {
                let file = l.path.rsplit('/').next().unwrap_or_default().to_string();
                format!("{file}:{}:{}", l.line, l.column)
            });
            format!("{} {}: {}", at.unwrap_or_default(), d.rule.id, d.message)
        })
        .collect()
}

fn crd<'a>(run: &'a Run, name: &str) -> &'a kforge::object::Object {
    run.objects.iter().find(|o| o.name == name).unwrap()
}

fn schema_of(o: &kforge::object::Object) -> &kforge::yaml::Node {
    let versions = o
        .root
        .path(&["spec", "versions"])
        .unwrap()
        .as_seq()
        .unwrap();
    versions[0].path(&["schema", "openAPIV3Schema"]).unwrap()
}

#[test]
fn a_pruned_crd_is_validated_as_before_and_used_groups_keep_their_schemas() {
    let crds = crds();
    let (_dir, pruned) = lint(&[("crds.yaml", &crds), ("widget.yaml", WIDGET)]);
    let (_dir2, kept) = lint(&[
        ("crds.yaml", &crds),
        ("widget.yaml", WIDGET),
        ("mention.yaml", MENTION),
    ]);

    // Pruned: the unused group's CRD lost its schema, and says it was validated already.
    let gadgets = crd(&pruned, "gadgets.unused.example.com");
    assert!(gadgets.schema_checked);
    assert!(schema_of(gadgets).is_null());
    let widgets = crd(&pruned, "widgets.used.example.com");
    assert!(!widgets.schema_checked);
    assert!(schema_of(widgets).as_map().is_some());
    // Of a used group, but no object is a Sprocket.
    let sprockets = crd(&pruned, "sprockets.used.example.com");
    assert!(sprockets.schema_checked && schema_of(sprockets).is_null());
    // Not pruned: a file names the group, and a kind cannot be read.
    for name in ["gadgets.unused.example.com", "sprockets.used.example.com"] {
        let o = crd(&kept, name);
        assert!(
            !o.schema_checked && schema_of(o).as_map().is_some(),
            "{name}"
        );
    }

    // The same findings either way (the ConfigMap adds none), the CRD's own mistake and the
    // custom resource's among them.
    let found = findings(&pruned);
    assert_eq!(found, findings(&kept));
    for mistake in ["minimum: lots", "maximum: many"] {
        let at = format!("crds.yaml:{}:", line_of(&crds, mistake));
        assert!(
            found
                .iter()
                .any(|f| f.starts_with(&at) && f.contains("schema/type")),
            "the pruned CRD's `{mistake}`:\n{found:#?}"
        );
    }
    assert!(
        found.iter().any(|f| f.starts_with("widget.yaml:7:")),
        "the custom resource's size over its CRD's maximum (line 7):\n{found:#?}"
    );
}

#[test]
fn an_api_version_the_scan_cannot_read_keeps_every_schema() {
    let aliased = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: base
  namespace: default
  annotations:
    version: &v unused.example.com/v1
---
apiVersion: *v
kind: Gadget
metadata:
  name: g
  namespace: default
spec:
  size: 3
";
    let (_dir, run) = lint(&[("crds.yaml", &crds()), ("aliased.yaml", aliased)]);
    let gadgets = crd(&run, "gadgets.unused.example.com");
    assert!(!gadgets.schema_checked && schema_of(gadgets).as_map().is_some());
}

#[test]
fn a_custom_resource_in_the_file_of_its_crd_keeps_the_crd_s_schema() {
    let text = format!("{}---\n{WIDGET}", crds());
    let (_dir, run) = lint(&[("all.yaml", &text)]);
    assert!(!crd(&run, "widgets.used.example.com").schema_checked);
    assert!(crd(&run, "sprockets.used.example.com").schema_checked);
    let found = findings(&run);
    assert!(
        found
            .iter()
            .any(|f| f.contains("schema/value-constraint: spec.size")),
        "{found:#?}"
    );
}

#[test]
fn the_library_keeps_every_crd_whole_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crds.yaml"), crds()).unwrap();
    let run = kforge::run(
        &[Input::Path(dir.path().to_path_buf())],
        &Options::default(),
    );
    let gadgets = crd(&run, "gadgets.unused.example.com");
    assert!(!gadgets.schema_checked && schema_of(gadgets).as_map().is_some());
}

/// The CRD-heavy corpus of issue 19 (`scripts/crd-corpus`: the CRDs of the bitnami charts and
/// the rendered charts, 166 CRDs of which its objects use 7 kinds), linted with and without the
/// pruning: the same findings, and most CRDs pruned. A custom resource of a pruned kind would
/// trip the schema stage's debug assertion.
#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn the_crd_heavy_corpus_finds_the_same_with_and_without_pruning() {
    let dir = tempfile::tempdir().unwrap();
    let made = std::process::Command::new(common::repo().join("scripts/crd-corpus"))
        .arg(dir.path())
        .env("KFORGE_SHARED", common::shared())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(made.success());
    let input = [Input::Path(dir.path().to_path_buf())];
    let whole = kforge::run(&input, &Options::default());
    let pruning = Options {
        prune_crd_schemas: true,
        ..Options::default()
    };
    let pruned = kforge::run(&input, &pruning);
    assert_eq!(findings(&pruned), findings(&whole));
    let crds = |run: &Run| {
        let all = run
            .objects
            .iter()
            .filter(|o| o.kind == "CustomResourceDefinition");
        let checked = all.clone().filter(|o| o.schema_checked).count();
        (all.count(), checked)
    };
    let (all, checked) = crds(&pruned);
    assert!(checked * 10 >= all * 9, "{checked} of {all} CRDs pruned");
    assert_eq!(crds(&whole).1, 0);
}
