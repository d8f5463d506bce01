//! The merged values tree (YAML nodes with spans) as the Go values a Helm template sees.
//!
//! Helm reads values files through sigs.k8s.io/yaml: YAML → JSON → `interface{}`, so every number
//! from a file is a float64 (`{{ 1000000 }}` prints `1e+06`). `--set` infers int64 for integers
//! (strvals' `typedVal`); `--set-json` decodes JSON, so its numbers are float64 again. Which of
//! the two a number is follows from the text it was written in: a node's span points into its
//! values file or into the `--set` argument.

use std::collections::BTreeMap;

use kforge_gotpl::Value;
use kforge_gotpl::track::Tracker;

use crate::source::{SourceKind, SourceMap};
use crate::values::Reads;
use crate::yaml::{self, Node};

/// Converts a values node. Maps become shared Go maps: converting the root once and handing a
/// subchart its section by reference keeps Helm's aliasing (`set .Values.sub …` in a parent is
/// seen by the subchart).
pub fn to_value(node: &Node, sources: &SourceMap) -> Value {
    convert(node, sources, &mut None)
}

/// [`to_value`]'s result made on another thread. Go values share their parts through `Rc`, so
/// `Value` cannot cross threads; this one can because nothing else holds any part of it: it is
/// built whole by [`Converted::new`] (fresh `Rc`s only, no cache or tracker sees them) and
/// leaves only whole, by value, through [`Converted::into_value`].
pub struct Converted(Value);

// SAFETY: see the type's documentation: every `Rc` inside is reachable only through this
// value, so moving it moves every owner of each count, and no two threads ever touch them.
unsafe impl Send for Converted {}

impl Converted {
    pub fn new(node: &Node, sources: &SourceMap) -> Converted {
        Converted(to_value(node, sources))
    }

    pub fn into_value(self) -> Value {
        self.0
    }
}

/// [`to_value`] with every map watched by a read tracker (see [`kforge_gotpl::track`]): install
/// the tracker for the render, then turn what it saw into [`Reads`] with [`Watched::reads`].
pub fn to_value_watched(node: &Node, sources: &SourceMap) -> (Value, Tracker, Watched) {
    let mut watch = Some(Watch {
        tracker: Tracker::new(),
        watched: Watched { paths: Vec::new() },
        path: Vec::new(),
    });
    let value = convert(node, sources, &mut watch);
    match watch {
        Some(w) => (value, w.tracker, w.watched),
        None => (value, Tracker::new(), Watched { paths: Vec::new() }),
    }
}

/// The path of each map a tracker watches, by its number.
pub struct Watched {
    paths: Vec<Vec<String>>,
}

impl Watched {
    pub fn reads(&self, tracker: &Tracker) -> Reads {
        let mut reads = Reads::default();
        for (id, path) in self.paths.iter().enumerate() {
            reads.record(
                path,
                tracker.whole(id),
                tracker.keys_read(id).into_iter().map(String::from),
            );
        }
        reads
    }
}

struct Watch {
    tracker: Tracker,
    watched: Watched,
    path: Vec<String>,
}

fn convert(node: &Node, sources: &SourceMap, watch: &mut Option<Watch>) -> Value {
    match &node.value {
        yaml::Value::Null => Value::Nil,
        yaml::Value::Bool(b) => Value::Bool(*b),
        yaml::Value::Int(i) => {
            if is_set_flag(node, sources) {
                Value::Int64(*i)
            } else {
                Value::Float(*i as f64)
            }
        }
        yaml::Value::Float(f) => Value::Float(*f),
        yaml::Value::Str(s) => Value::str(s),
        // Lists are leaves for read tracking: a list is read when its key is.
        yaml::Value::Seq(items) => Value::list(
            items
                .iter()
                .map(|i| convert(i, sources, &mut None))
                .collect(),
        ),
        yaml::Value::Map(entries) => {
            let mut map = BTreeMap::new();
            for (k, v) in entries {
                // sigs.k8s.io/yaml turns every key into its JSON string form.
                let Some(key) = key_text(k) else { continue };
                if let Some(w) = watch.as_mut() {
                    w.path.push(key.clone());
                }
                let value = convert(v, sources, watch);
                if let Some(w) = watch.as_mut() {
                    w.path.pop();
                }
                map.insert(key, value);
            }
            let value = Value::map(map);
            if let (Some(w), Value::Map(m)) = (watch.as_mut(), &value) {
                let id = w.tracker.watch(m);
                if id == w.watched.paths.len() {
                    w.watched.paths.push(w.path.clone());
                }
            }
            value
        }
    }
}

/// A map key as JSON conversion writes it (`1` → "1", `true` → "true", null → "null").
pub fn key_text(key: &Node) -> Option<String> {
    match &key.value {
        yaml::Value::Null => Some("null".into()),
        yaml::Value::Float(f) => Some(float_key(*f)),
        _ => key.scalar_text(),
    }
}

/// go-yaml v2 formats a float key with strconv's shortest form ('g'-like, `1.5`, `1e+06`).
fn float_key(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// Whether the node was written in a `--set` argument (integers there are int64). `--set-json`,
/// `--set-string` and `--set-file` have their own names and keep JSON or string types.
fn is_set_flag(node: &Node, sources: &SourceMap) -> bool {
    sources
        .get(node.span.file)
        .is_some_and(|f| f.kind == SourceKind::Argument && f.name == "--set")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{ValueArgs, merge};

    fn values(args: ValueArgs, file: &str) -> (Value, SourceMap) {
        let mut sources = SourceMap::new();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.yaml");
        std::fs::write(&path, file).unwrap();
        let args = ValueArgs {
            files: vec![path],
            ..args
        };
        let (node, diags) = merge(None, &args, &mut sources);
        assert!(diags.is_empty(), "{diags:?}");
        (to_value(&node, &sources), sources)
    }

    fn get(v: &Value, key: &str) -> Value {
        match v {
            Value::Map(m) => m.borrow().get(key).cloned().unwrap_or_default(),
            _ => Value::Nil,
        }
    }

    #[test]
    fn file_numbers_are_float64_and_set_integers_int64() {
        let args = ValueArgs {
            set: vec!["b=2,c=1.5,d=true".into()],
            set_json: vec!["e=3".into()],
            set_string: vec!["f=4".into()],
            ..ValueArgs::default()
        };
        let (v, _) = values(args, "a: 1000000\nk:\n  1: x\n  true: z\n");
        assert_eq!(format!("{:?}", get(&v, "a")), "float64(1000000)");
        assert_eq!(format!("{:?}", get(&v, "b")), "int64(2)");
        // strvals keeps what is not an integer, a bool or null as a string.
        assert_eq!(format!("{:?}", get(&v, "c")), "\"1.5\"");
        assert_eq!(format!("{:?}", get(&v, "d")), "true");
        assert_eq!(format!("{:?}", get(&v, "e")), "float64(3)");
        assert_eq!(format!("{:?}", get(&v, "f")), "\"4\"");
        assert_eq!(
            format!("{:?}", get(&v, "k")),
            "{\"1\": \"x\", \"true\": \"z\"}"
        );
    }
}
