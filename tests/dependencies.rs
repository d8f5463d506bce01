//! kforge is offline (DESIGN.md): it must never be able to open a network connection. This test
//! reads Cargo.lock and fails when an HTTP client, a TLS stack or an async network runtime enters
//! the dependency tree (dev-dependencies included: a test that can reach the network is flaky),
//! naming the crate and the chain of crates that pulls it in.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

/// Crates whose presence means network access is compiled in.
const FORBIDDEN: &[&str] = &[
    // HTTP clients and servers
    "reqwest",
    "hyper",
    "hyper-util",
    "h2",
    "h3",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "attohttpc",
    "http-client",
    "minreq",
    "awc",
    "actix-http",
    "actix-web",
    "axum",
    "warp",
    "tiny_http",
    "quinn",
    "websocket",
    "tungstenite",
    // TLS stacks and their crypto backends
    "rustls",
    "tokio-rustls",
    "native-tls",
    "tokio-native-tls",
    "hyper-tls",
    "hyper-rustls",
    "openssl",
    "openssl-sys",
    "aws-lc-rs",
    "aws-lc-sys",
    "ring",
    "webpki",
    "rustls-webpki",
    "schannel",
    "security-framework",
    // async network runtimes
    "tokio",
    "async-std",
    "smol",
    "async-net",
    "mio",
];

#[derive(Debug)]
struct Package {
    name: String,
    version: String,
    /// Dependency names (Cargo.lock writes `name` or `name version` when several versions exist).
    dependencies: Vec<String>,
}

/// A small reader for Cargo.lock's own regular format (no TOML crate needed): `[[package]]`
/// blocks with `name`, `version` and a `dependencies` array, one string a line.
fn parse_lock(text: &str) -> Vec<Package> {
    let mut packages = Vec::new();
    let mut current: Option<Package> = None;
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            packages.extend(current.take());
            current = Some(Package {
                name: String::new(),
                version: String::new(),
                dependencies: Vec::new(),
            });
            in_deps = false;
            continue;
        }
        let Some(pkg) = current.as_mut() else {
            continue;
        };
        if in_deps {
            if line.starts_with(']') {
                in_deps = false;
            } else if let Some(dep) = quoted(line) {
                let name = dep.split(' ').next().unwrap_or(dep);
                pkg.dependencies.push(name.to_string());
            }
        } else if let Some(v) = line.strip_prefix("name = ") {
            pkg.name = quoted(v).unwrap_or_default().to_string();
        } else if let Some(v) = line.strip_prefix("version = ") {
            pkg.version = quoted(v).unwrap_or_default().to_string();
        } else if let Some(rest) = line.strip_prefix("dependencies = [") {
            // One-line arrays: `dependencies = ["a", "b"]`.
            if let Some(inner) = rest.strip_suffix(']') {
                for dep in inner.split(',').filter_map(quoted) {
                    let name = dep.split(' ').next().unwrap_or(dep);
                    pkg.dependencies.push(name.to_string());
                }
            } else {
                in_deps = true;
            }
        }
    }
    packages.extend(current);
    packages
}

fn quoted(s: &str) -> Option<&str> {
    let s = s.trim().trim_end_matches(',');
    s.strip_prefix('"')?.strip_suffix('"')
}

/// The chain from `root` to `target` (shortest), as `kforge -> a -> b -> target`.
fn chain(packages: &[Package], root: &str, target: &str) -> Option<Vec<String>> {
    let deps: BTreeMap<&str, &Vec<String>> = packages
        .iter()
        .map(|p| (p.name.as_str(), &p.dependencies))
        .collect();
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = VecDeque::from([root.to_string()]);
    parent.insert(root.to_string(), String::new());
    while let Some(name) = queue.pop_front() {
        if name == target {
            let mut path = vec![name.clone()];
            let mut at = name;
            while let Some(p) = parent.get(&at).filter(|p| !p.is_empty()) {
                path.push(p.clone());
                at = p.clone();
            }
            path.reverse();
            return Some(path);
        }
        for dep in deps
            .get(name.as_str())
            .map(|d| d.iter())
            .into_iter()
            .flatten()
        {
            if !parent.contains_key(dep) {
                parent.insert(dep.clone(), name.clone());
                queue.push_back(dep.clone());
            }
        }
    }
    None
}

fn network_crates(lock: &str) -> Vec<String> {
    let packages = parse_lock(lock);
    let mut found = Vec::new();
    for p in &packages {
        if FORBIDDEN.contains(&p.name.as_str()) {
            let why = chain(&packages, "kforge", &p.name)
                .map(|c| format!("pulled in by {}", c.join(" -> ")))
                .unwrap_or_else(|| "in Cargo.lock, not reachable from kforge".to_string());
            found.push(format!("{} {} ({why})", p.name, p.version));
        }
    }
    found
}

#[test]
fn no_http_tls_or_async_network_crate_in_the_dependency_tree() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let packages = parse_lock(&lock);
    assert!(
        packages.iter().any(|p| p.name == "kforge") && packages.len() > 20,
        "Cargo.lock was not understood ({} packages read)",
        packages.len()
    );
    let found = network_crates(&lock);
    assert!(
        found.is_empty(),
        "kforge must stay offline, but the dependency tree holds network crates:\n  {}\n\
         Remove the dependency, or turn off the feature that brings it in.",
        found.join("\n  ")
    );
}

#[test]
fn the_check_names_the_crate_and_what_pulls_it_in() {
    let lock = r#"
version = 4

[[package]]
name = "kforge"
version = "0.1.0"
dependencies = [
 "fetcher",
 "serde",
]

[[package]]
name = "fetcher"
version = "1.0.0"
dependencies = [
 "reqwest 0.12.0",
]

[[package]]
name = "reqwest"
version = "0.12.0"
dependencies = ["rustls", "serde"]

[[package]]
name = "rustls"
version = "0.23.0"

[[package]]
name = "serde"
version = "1.0.0"
"#;
    let found = network_crates(lock);
    assert_eq!(
        found,
        [
            "reqwest 0.12.0 (pulled in by kforge -> fetcher -> reqwest)",
            "rustls 0.23.0 (pulled in by kforge -> fetcher -> reqwest -> rustls)",
        ]
    );
}
