//! The fast loader against saphyr's: every chunk it takes must give the same documents, nodes,
//! spans and diagnostics as `loader` (compared through their `Debug` text, which shows every
//! field); what it declines goes to `loader` anyway.

use std::collections::BTreeMap;

use super::*;
use crate::source::SourceKind;

/// What happened to each chunk of `text`: `Ok` taken (and equal), `Err(reason)` declined.
/// A difference is returned as the whole story, for the assertion message.
fn both(text: &str, limits: &Limits) -> Result<Vec<Result<usize, &'static str>>, String> {
    let mut map = SourceMap::new();
    let f = map.add("t.yaml", text, SourceKind::Manifest);
    let text = map.text(f);
    let mut out = Vec::new();
    for (start, end) in chunks::split(text) {
        let chunk = &text[start..end];
        if chunk.len() > limits.max_document_bytes {
            continue;
        }
        let (mut d1, mut g1) = (Vec::new(), Vec::new());
        loader::ChunkLoader::new(f, chunk, start, limits, &mut d1, &mut g1).run();
        let (mut d2, mut g2) = (Vec::new(), Vec::new());
        match fast::load(f, chunk, start, limits, &mut d2, &mut g2) {
            Ok(()) => {
                // Compact text to compare (trees of big CRDs pretty-print to gigabytes).
                if format!("{d1:?}\n{g1:?}") != format!("{d2:?}\n{g2:?}") {
                    let slow = format!("{d1:#?}\n{g1:#?}");
                    let fast = format!("{d2:#?}\n{g2:#?}");
                    let line = slow
                        .lines()
                        .zip(fast.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or(0);
                    let show = |s: &str| {
                        s.lines()
                            .skip(line.saturating_sub(12))
                            .take(16)
                            .collect::<Vec<_>>()
                            .join("\n")
                    };
                    return Err(format!(
                        "chunk {chunk:?}\n--- saphyr (from line {line}):\n{}\n--- fast:\n{}",
                        show(&slow),
                        show(&fast)
                    ));
                }
                out.push(Ok(chunk.len()));
            }
            Err(e) => {
                if !(d2.is_empty() && g2.is_empty()) {
                    return Err(format!("declined ({}) but added output: {chunk:?}", e.0));
                }
                out.push(Err(e.0));
            }
        }
    }
    Ok(out)
}

fn taken(text: &str) -> bool {
    match both(text, &Limits::default()) {
        Ok(r) => r.iter().all(Result::is_ok),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn common_shapes_are_taken_and_equal() {
    for text in [
        "a: 1\nb: two\n",
        "# Source: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    app: \"y\"\ndata:\n  k: 'v'\n",
        "a:\n- b\n-  c # x\nd:\n",
        "x:\n  a:\n\n# c\ny: 1\n",
        "spec:\n  containers:\n    - name: a\n      args: [\"-c\", x, 'y']\n      env: []\n      resources: {}\n",
        "a: |\n  x\n\n  y\n\n# c\nb: >-\n  p\n  q\n\n  r\n",
        "a: foo\n  bar\n\n  baz   \nb: 'x\n  y'\nc: \"p \\\"q\\\"\n\n   r\"\n",
        "- a: 1\n  b: [x, \"y\"]\n- {}\n",
        "--- # hi\na: 1",
        "a: |\n  x",
        "mode: 0644\nother: 0644\non: yes\n",
        "a: 1\na: 2\n",
        "# only a comment\n",
        "a: \"x\"  \nb: 'y'   # c\n",
    ] {
        assert!(taken(text), "declined: {text:?}");
    }
}

#[test]
fn rare_shapes_are_declined() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "<<: {a: 1}\n",
        "a:\tb\n",
        "a: 1\r\n",
        "? a\n: b\n",
        "a: [1,\n  2]\n",
        "just a scalar\n",
        "a: b: c\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: |2\n   x\n",
        "a: {b: c}\n",
        "---\n",
    ] {
        let r = both(text, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.iter().any(Result::is_err), "taken: {text:?}");
    }
}

#[test]
fn limits_are_left_to_the_loader() {
    let deep = (0..10).fold(String::new(), |s, i| {
        format!("{s}{}k{i}:\n", "  ".repeat(i))
    }) + &"  ".repeat(10)
        + "v: 1\n";
    let tight = Limits {
        max_depth: 4,
        max_nodes: 8,
        ..Limits::default()
    };
    let r = both(&deep, &tight).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r, [Err("depth")]);
    let wide: String = (0..10).map(|i| format!("k{i}: {i}\n")).collect();
    let r = both(&wide, &tight).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r, [Err("node limit")]);
    assert!(taken(&deep) && taken(&wide));
}

/// A deterministic generator (xorshift): the same texts on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\n    version: \"1.0\"\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: web\n          image: docker.io/bitnami/nginx:1.25.3-debian-12-r0\n          args: [\"--port\", '8080', -v]\n          ports:\n            - containerPort: 8080\n              protocol: TCP\n          env:\n            - name: A\n              value: \"x: y # z\"\n            - name: B\n              value: 'it''s'\n          resources: {}\n",
    "# Default values\n## @param image.tag\nimage:\n  registry: docker.io\n  tag: 7.2.4 # the tag\n  pullSecrets: []\n\nauth:\n  enabled: true\n  password: \"\"\n  existingSecret:\n  mode: 0644\n\nextraEnv:\n- name: X\n  value: yes\n",
    "spec:\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        description: Alertmanager describes an Alertmanager cluster.\n          It continues here\n\n          and after an empty line.\n        properties:\n          apiVersion:\n            description: 'APIVersion defines the versioned schema of this representation\n              of an object. Servers should convert recognized schemas to the latest\n              internal value.'\n            type: string\n          x:\n            description: \"A \\\"quoted\\\" text\\n spanning\n              lines\"\n            type: integer\n            format: int32\n",
    "data:\n  nginx.conf: |\n    server {\n      listen 80;\n\n      location / {\n        root /app;\n      }\n    }\n  other: |-\n    a\n     b\n  folded: >\n    one\n    two\n\n    three\n",
    "---\n# Source: chart/templates/a.yaml\nkind: Service\nspec:\n  ports:\n  - port: 80\n    targetPort: http\n  selector:\n    a: b\n---\nkind: X\n",
];

const ALPHABET: &[&str] = &[
    " ", "  ", "\n", ":", ": ", "-", "- ", "#", " #", "\"", "'", "\t", "\r\n", "|", ">", "[", "]",
    "{", "}", ",", "a", "0", "\\", "é", "\u{feff}", "\u{2028}", "&a", "*a", "!", "?", "%", "...",
    "---", "~", "''", "\\n", "\\x4", "x:", "|-", ">-", "\n\n", "0o7", "1.10",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = 1 + rng.below(3);
    for _ in 0..n {
        let l = rng.below(lines.len());
        match rng.below(8) {
            0 => {
                let line = &mut lines[l];
                let at = line
                    .char_indices()
                    .nth(rng.below(line.chars().count() + 1))
                    .map_or(line.len(), |(i, _)| i);
                line.insert_str(at, ALPHABET[rng.below(ALPHABET.len())]);
            }
            1 => {
                let line = &mut lines[l];
                if let Some((at, ch)) = line.char_indices().nth(rng.below(line.chars().count())) {
                    line.replace_range(at..at + ch.len_utf8(), "");
                }
            }
            2 => lines[l].insert_str(0, ["  ", " ", "    "][rng.below(3)]),
            3 => {
                let t = lines[l].trim_start().to_string();
                let keep = (lines[l].len() - t.len()).saturating_sub(1 + rng.below(2));
                lines[l] = " ".repeat(keep) + &t;
            }
            4 => {
                let copy = lines[l].clone();
                lines.insert(l, copy);
            }
            5 => {
                if lines.len() > 1 {
                    lines.remove(l);
                }
            }
            6 => {
                let m = rng.below(lines.len());
                lines.swap(l, m);
            }
            _ => lines[l].push_str(ALPHABET[rng.below(ALPHABET.len())]),
        }
    }
    let mut out = lines.join("\n");
    if rng.below(4) != 0 {
        out.push('\n');
    }
    out
}

#[test]
fn fuzzed_texts_are_declined_or_equal() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut takes, mut total) = (0, 0);
    for round in 0..6000 {
        let seed = SEEDS[round % SEEDS.len()];
        let mut text = mutate(&mut rng, seed);
        if rng.below(3) == 0 {
            text = mutate(&mut rng, &text);
        }
        let r = both(&text, &Limits::default()).unwrap_or_else(|e| panic!("round {round}: {e}"));
        total += r.len();
        takes += r.iter().filter(|x| x.is_ok()).count();
    }
    // The generator must reach the fast path often, or it proves little.
    assert!(takes * 4 > total, "only {takes} of {total} chunks taken");
}

/// Every YAML file of the shared corpora: rendered charts, Helm's golden renders, and every
/// `.yaml`/`.yml` of the bitnami charts archive (values files, CRDs, Chart.yaml, templates).
#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn corpora_load_the_same_both_ways() {
    use std::io::Read;
    let shared = std::env::var_os("KFORGE_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    assert!(
        shared.is_dir(),
        "this test needs ../shared beside the repository"
    );
    let corpus = shared.join("corpus");
    let mut files: Vec<(String, String)> = Vec::new();
    for dir in [
        "bitnami-rendered",
        "helm/bitnami-golden",
        "kubernetes-examples",
    ] {
        let mut stack = vec![corpus.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(text) = std::fs::read_to_string(&p) {
                    files.push((p.display().to_string(), text));
                }
            }
        }
    }
    let tgz = std::fs::File::open(corpus.join("helm/bitnami-charts.tgz")).expect("archive");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let path = entry.path().expect("path").display().to_string();
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            let mut text = String::new();
            if entry.read_to_string(&mut text).is_ok() {
                files.push((path, text));
            }
        }
    }
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    let mut failures = Vec::new();
    for (path, text) in &files {
        let kind = if path.contains("/crds/") {
            "crds"
        } else if path.ends_with("values.yaml") {
            "values"
        } else if path.contains("/templates/") {
            "templates (unrendered)"
        } else if path.contains("bitnami-rendered") || path.contains("bitnami-golden") {
            "rendered"
        } else {
            "other"
        };
        match both(text, &Limits::default()) {
            Ok(r) => {
                let k = by_kind.entry(kind).or_default();
                for x in r {
                    match x {
                        Ok(bytes) => {
                            k[0] += 1;
                            k[2] += bytes;
                        }
                        Err(why) => {
                            k[1] += 1;
                            *reasons.entry(why).or_default() += 1;
                        }
                    }
                }
                k[3] += text.len();
            }
            Err(e) => failures.push(format!("{path}: {e}")),
        }
    }
    for (kind, [t, d, bytes, all]) in &by_kind {
        println!(
            "{kind}: {t} of {} chunks taken, {:.1}% of {all} bytes",
            t + d,
            *bytes as f64 * 100.0 / (*all).max(1) as f64
        );
    }
    println!("declined: {reasons:?}");
    assert!(
        failures.is_empty(),
        "{} files differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
