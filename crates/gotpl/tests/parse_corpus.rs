//! Every template file of the 117 bitnami charts (139 folders, 22 empty) parses (function names not checked), and how
//! fast. The corpus is outside the repository: `../shared/corpus/helm/bitnami-charts.tgz` next
//! to the checkout, or the path in `KFORGE_BITNAMI_TGZ`.

use std::io::Read;
use std::path::PathBuf;

use kforge_gotpl::ast::{Arg, List, Node, Pipe};

/// The deepest nesting of control structures and of parentheses in a list.
fn depth(list: &List) -> (usize, usize) {
    let mut max = (0, 0);
    for n in &list.nodes {
        let (c, p) = match n {
            Node::If(b) | Node::Range(b) | Node::With(b) => {
                let (c1, p1) = depth(&b.list);
                let (c2, p2) = b.else_list.as_ref().map_or((0, 0), depth);
                (1 + c1.max(c2), pipe_depth(&b.pipe).max(p1).max(p2))
            }
            Node::Action { pipe, .. } => (0, pipe_depth(pipe)),
            Node::Template {
                pipe: Some(pipe), ..
            } => (0, pipe_depth(pipe)),
            _ => (0, 0),
        };
        max = (max.0.max(c), max.1.max(p));
    }
    max
}

fn pipe_depth(pipe: &Pipe) -> usize {
    let arg_depth = |a: &Arg| match a {
        Arg::Pipe(_, p) => 1 + pipe_depth(p),
        Arg::Chain(_, base, _) => match base.as_ref() {
            Arg::Pipe(_, p) => 1 + pipe_depth(p),
            _ => 0,
        },
        _ => 0,
    };
    pipe.cmds
        .iter()
        .flat_map(|c| c.args.iter())
        .map(arg_depth)
        .max()
        .unwrap_or(0)
}

fn corpus() -> PathBuf {
    std::env::var_os("KFORGE_BITNAMI_TGZ").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/corpus/helm/bitnami-charts.tgz")
        },
        PathBuf::from,
    )
}

/// (path, text) of every file under a `templates/` folder.
fn templates() -> Vec<(String, String)> {
    let file = std::fs::File::open(corpus()).expect("open the bitnami corpus");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().expect("read the tgz") {
        let mut entry = entry.expect("tar entry");
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        if !path.contains("/templates/") {
            continue;
        }
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("template is UTF-8");
        out.push((path, text));
    }
    out
}

#[test]
#[ignore = "needs ../shared/corpus/helm"]
fn every_bitnami_template_parses() {
    let files = templates();
    let charts: std::collections::BTreeSet<&str> = files
        .iter()
        .filter_map(|(p, _)| p.split('/').nth(1))
        .collect();
    // The tgz has 139 folders; 22 are empty, the other 117 are charts with templates.
    assert_eq!(charts.len(), 117, "charts with templates");
    let any = |_: &str| true;
    let mut failures = Vec::new();
    let (mut defines, mut bytes) = (0, 0);
    let mut deepest = (0, 0);
    let start = std::time::Instant::now();
    for (path, text) in &files {
        bytes += text.len();
        match kforge_gotpl::parse::parse(path, text, &any) {
            Ok(parsed) => {
                defines += parsed.trees.len() - 1;
                for t in &parsed.trees {
                    let (c, p) = depth(&t.root);
                    deepest = (deepest.0.max(c), deepest.1.max(p));
                }
            }
            Err(e) => failures.push(e.go_message()),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "deepest control nesting {}, parentheses {}",
        deepest.0, deepest.1
    );
    eprintln!(
        "{} files, {} defines, {:.1} MB in {:.3}s: {:.1} MB/s",
        files.len(),
        defines,
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
