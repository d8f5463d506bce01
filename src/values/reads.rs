//! What a render read of the values, whichever engine rendered: for each map of the merged
//! values (by its path of keys from the root), the keys templates looked up and whether the map
//! was consumed whole (`toYaml`, `range`, printed). The engines fill it (`helm::values` for Go
//! templates, `render::context` for Jinja); [`super::unused`] judges the user's keys by it.

use std::collections::{BTreeSet, HashMap};

use crate::chart::Chart;
use crate::yaml::Node;

/// What was read of one map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapRead {
    pub whole: bool,
    pub keys: BTreeSet<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Reads {
    maps: HashMap<Vec<String>, MapRead>,
}

impl Reads {
    /// Records what was read of the map at `path`. A subchart's copy of `global`
    /// (`sub.global.x`) counts for the parent's `global` too: a global is read when any chart
    /// reads it.
    pub fn record(&mut self, path: &[String], whole: bool, keys: impl IntoIterator<Item = String>) {
        let keys: BTreeSet<String> = keys.into_iter().collect();
        if !whole && keys.is_empty() {
            return;
        }
        if let Some(i) = path.iter().skip(1).position(|k| k == "global") {
            let global: Vec<String> = path.iter().skip(i + 1).cloned().collect();
            self.add(global, whole, keys.clone());
        }
        self.add(path.to_vec(), whole, keys);
    }

    fn add(&mut self, path: Vec<String>, whole: bool, keys: BTreeSet<String>) {
        let entry = self.maps.entry(path).or_default();
        entry.whole |= whole;
        entry.keys.extend(keys);
    }

    /// Whether the map at `path` was consumed whole (or a map above it was).
    pub fn whole(&self, path: &[String]) -> bool {
        (0..=path.len()).any(|n| {
            path.get(..n)
                .and_then(|p| self.maps.get(p))
                .is_some_and(|m| m.whole)
        })
    }

    /// Whether `key` of the map at `parent` was read: looked up, or consumed with its map or a
    /// map above, or (a map itself) consumed whole.
    pub fn is_read(&self, parent: &[String], key: &str) -> bool {
        if self.maps.get(parent).is_some_and(|m| m.keys.contains(key)) {
            return true;
        }
        let mut child = parent.to_vec();
        child.push(key.to_string());
        self.whole(&child)
    }

    /// The keys looked up in the map at `path` (for did-you-mean).
    pub fn keys(&self, path: &[String]) -> impl Iterator<Item = &str> {
        self.maps
            .get(path)
            .into_iter()
            .flat_map(|m| m.keys.iter().map(String::as_str))
    }

    /// Every key along `keys` read, as a lookup of `a.b.c` reads `a`, then `b`, then `c`.
    fn record_path(&mut self, keys: &[String]) {
        for n in 0..keys.len() {
            if let (Some(parent), Some(key)) = (keys.get(..n), keys.get(n)) {
                self.record(parent, false, [key.clone()]);
            }
        }
    }

    /// What Helm itself reads before any template: each dependency's `condition` paths, its
    /// `tags`, and the `import-values` it copies into the parent. `values` are the merged values
    /// of `chart`, found at `path` from the root.
    pub fn record_helm_reads(&mut self, chart: &Chart, values: &Node, path: &[String]) {
        for dep in chart.metadata.dependencies() {
            for cond in dep.condition.split(',').map(str::trim) {
                let mut keys: Vec<String> = path.to_vec();
                keys.extend(cond.split('.').filter(|k| !k.is_empty()).map(String::from));
                self.record_path(&keys);
            }
            for tag in &dep.tags {
                // Helm reads tags from the top level only.
                self.record_path(&["tags".to_string(), tag.clone()]);
            }
            for iv in &dep.import_values {
                let mut child: Vec<String> = path.to_vec();
                child.push(dep.key().to_string());
                if iv.child != "." && !iv.child.is_empty() {
                    child.extend(iv.child.split('.').map(String::from));
                }
                self.record(&child, true, []);
            }
        }
        for sub in &chart.subcharts {
            let name = sub.metadata.name.as_str();
            if let Some(section) = values.get(name) {
                let mut sub_path = path.to_vec();
                sub_path.push(name.to_string());
                self.record_helm_reads(sub, section, &sub_path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(path: &str) -> Vec<String> {
        path.split('.')
            .filter(|k| !k.is_empty())
            .map(String::from)
            .collect()
    }

    #[test]
    fn keys_read_and_whole_maps() {
        let mut r = Reads::default();
        r.record(&p(""), false, ["image".to_string()]);
        r.record(&p("image"), false, ["tag".to_string()]);
        r.record(&p("resources"), true, []);
        assert!(r.is_read(&p(""), "image"));
        assert!(r.is_read(&p("image"), "tag"));
        assert!(!r.is_read(&p("image"), "tga"));
        // A consumed map is read, and so is everything below it.
        assert!(r.is_read(&p(""), "resources"));
        assert!(r.is_read(&p("resources.limits"), "cpu"));
        assert!(!r.is_read(&p(""), "replicaCont"));
    }

    #[test]
    fn a_subcharts_global_counts_for_the_parents() {
        let mut r = Reads::default();
        r.record(&p("db.global"), false, ["storageClass".to_string()]);
        assert!(r.is_read(&p("global"), "storageClass"));
        assert!(!r.is_read(&p("global"), "imageRegistry"));
    }
}
