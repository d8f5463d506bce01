//! Real inputs through the load stage: Helm-rendered charts split by their `# Source:` comments
//! with every document found in the section it came from, and the kubernetes/examples files
//! loaded without a panic.

use crate::common;

use kforge::chart::{self, Input, LoadOptions, Loaded};
use kforge::source::SourceMap;

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn helm_rendered_charts_split_into_their_templates() {
    let shared = common::shared();
    let dir = shared.join("corpus/bitnami-rendered");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(paths.len() > 50, "expected the 58 rendered charts");
    let mut objects_seen = 0;
    for path in paths {
        let original = std::fs::read_to_string(&path).unwrap();
        let chart_name = path.file_stem().unwrap().to_string_lossy().to_string();
        let mut sources = SourceMap::new();
        let (loaded, diags) = chart::load(
            &Input::Path(path.clone()),
            &LoadOptions::default(),
            &mut sources,
        );
        assert!(diags.is_empty(), "{}: {diags:?}", path.display());
        let Some(Loaded::Manifests(files)) = loaded else {
            panic!("{}: not manifests", path.display())
        };
        let lines: Vec<&str> = original.lines().collect();
        let sections = lines
            .windows(2)
            .filter(|w| w[0] == "---" && w[1].starts_with("# Source: "))
            .count();
        assert_eq!(
            files.len(),
            sections,
            "{}: one file per Source section",
            path.display()
        );
        let mut rest = original.as_str();
        for &file in &files {
            let name = sources.name(file);
            assert!(name.starts_with(&format!("{chart_name}/")), "{name}");
            // Sections are the original text, in order, with nothing lost but the headers.
            let text = sources.text(file);
            let header = format!("# Source: {name}\n");
            let at = rest
                .find(&header)
                .unwrap_or_else(|| panic!("{name}: header not found in order"));
            rest = &rest[at + header.len()..];
            assert!(
                rest.starts_with(text),
                "{name}: section text is not the text after its header"
            );
        }
        let (objects, _) = kforge::object::parse(&sources, &files, &Default::default());
        for object in &objects {
            // Each object is reported in the template section that produced it, at its own text.
            let loc = sources.locate(object.span);
            let file = sources.name(object.file());
            assert_eq!(loc.path, file);
            let doc = sources.slice(object.span);
            assert!(
                doc.contains(&format!("kind: {}", object.kind)),
                "{file}: {doc}"
            );
            assert!(doc.contains(&object.name), "{file}: {}", object.name);
        }
        objects_seen += objects.len();
    }
    assert!(objects_seen > 1000, "only {objects_seen} objects");
}

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn kubernetes_examples_load_one_by_one() {
    let shared = common::shared();
    let root = shared.join("corpus/kubernetes-examples");
    let mut loaded_files = 0;
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        let is_manifest = path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
        if !entry.file_type().is_file() || !is_manifest {
            continue;
        }
        let mut sources = SourceMap::new();
        let (loaded, diags) = chart::load(
            &Input::Path(path.to_path_buf()),
            &LoadOptions::default(),
            &mut sources,
        );
        match loaded {
            Some(Loaded::Manifests(files)) => {
                assert!(!files.is_empty());
                loaded_files += 1;
            }
            other => {
                // Only a file that is not text may be refused, and it must say so.
                assert!(other.is_none(), "{}", path.display());
                assert!(
                    diags.iter().all(|d| d.rule.id == "input/not-text"),
                    "{}: {diags:?}",
                    path.display()
                );
            }
        }
    }
    assert!(loaded_files > 100, "only {loaded_files} files loaded");
}
