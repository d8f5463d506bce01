//! Which subcharts take part in a render, as Helm's `processDependencyEnabled` decides
//! (pkg/chart/v2/util/dependencies.go): the values of the whole tree are coalesced first (every
//! subchart's defaults included), then each dependency starts enabled, `tags` (read from the
//! top-level `tags`) disable it when one of its tags is false and none is true, and the first
//! `condition` path that holds a boolean decides. Conditions of a subchart's own dependencies are
//! paths inside its section (`sub.` + path), read from the same top-level values. Disabled
//! subcharts are dropped with everything below them, before values are coalesced for rendering,
//! so their defaults never reach `.Values`.

use crate::chart::Chart;
use crate::source::SourceMap;
use crate::source::Span;
use crate::values;
use crate::yaml::{Node, Value};

/// `chart` without the subcharts its dependencies' conditions and tags disable, at every level.
/// `user` is what the user gave (`-f`, `--set`…), before the chart's defaults.
pub fn enabled_only(chart: &Chart, user: &Node, sources: &SourceMap) -> Chart {
    let mut scratch = Vec::new();
    // Only the conditions and tags are read of the values: the rest is not coalesced.
    let mut paths = values::Paths::default();
    paths.insert("tags");
    condition_paths(chart, "", &mut paths);
    // Helm decides before `import-values` run: a condition or tag set only by an import is
    // not seen.
    let all = values::coalesce_as_written(chart, user.clone(), Some(&paths), sources, &mut scratch);
    let mut pruned = chart.clone();
    let tags = all.get("tags").cloned();
    prune(&mut pruned, &all, "", tags.as_ref(), sources);
    crate::memory::dispose(all);
    pruned
}

/// `tags`: the `tags` table of this level. Helm coalesces each subchart's own defaults into the
/// top-level values before deciding for the subchart's dependencies, so a subchart's
/// `values.yaml` can set tags for its own dependencies (the levels above win).
fn prune(chart: &mut Chart, top: &Node, prefix: &str, tags: Option<&Node>, sources: &SourceMap) {
    let deps = chart.metadata.dependencies();
    chart.subcharts.retain(|sub| {
        let Some(dep) = deps.iter().find(|d| d.key() == sub.metadata.name) else {
            // A chart in charts/ that no dependency names is always rendered.
            return true;
        };
        enabled(dep, tags, top, prefix)
    });
    for sub in &mut chart.subcharts {
        let sub_prefix = format!("{prefix}{}.", sub.metadata.name);
        let sub_tags = if sub.metadata.dependencies().is_empty() {
            None
        } else {
            let mut scratch = Vec::new();
            let empty = Node::new(Value::Map(Default::default()), Span::default());
            let mut wanted = values::Paths::default();
            wanted.insert("tags");
            let own = values::coalesce_as_written(sub, empty, Some(&wanted), sources, &mut scratch);
            let tags = level_tags(tags, own.get("tags"));
            crate::memory::dispose(own);
            tags
        };
        prune(sub, top, &sub_prefix, sub_tags.as_ref().or(tags), sources);
    }
}

/// The paths [`prune`] reads: each dependency's conditions below its chart's section, at every
/// level (whether the subchart is enabled or not: that is decided from them).
fn condition_paths(chart: &Chart, prefix: &str, paths: &mut values::Paths) {
    for dep in chart.metadata.dependencies() {
        for path in dep.condition.split(',').map(str::trim) {
            if !path.is_empty() {
                paths.insert(&format!("{prefix}{path}"));
            }
        }
    }
    for sub in &chart.subcharts {
        condition_paths(sub, &format!("{prefix}{}.", sub.metadata.name), paths);
    }
}

/// The tags of the level above, filled with a subchart's own default tags.
fn level_tags(above: Option<&Node>, own: Option<&Node>) -> Option<Node> {
    let Some(
        own @ Node {
            value: Value::Map(own_entries),
            ..
        },
    ) = own
    else {
        return above.cloned();
    };
    let Some(Node {
        value: Value::Map(above_entries),
        ..
    }) = above
    else {
        return Some(own.clone());
    };
    let mut entries = above_entries.clone();
    for (k, v) in own_entries {
        if !entries.iter().any(|(a, _)| a.as_str() == k.as_str()) {
            entries.push((k.clone(), v.clone()));
        }
    }
    Some(Node::new(Value::Map(entries), own.span))
}

fn enabled(dep: &crate::chart::Dependency, tags: Option<&Node>, top: &Node, prefix: &str) -> bool {
    let mut enabled = true;
    if let Some(tags) = tags {
        let set: Vec<bool> = dep
            .tags
            .iter()
            .filter_map(|t| tags.get(t))
            .filter_map(Node::as_bool)
            .collect();
        if !set.contains(&true) && set.contains(&false) {
            enabled = false;
        }
    }
    for path in dep
        .condition
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let full = format!("{prefix}{path}");
        if let Some(b) = path_value(top, &full).and_then(Node::as_bool) {
            enabled = b;
            break;
        }
    }
    enabled
}

fn path_value<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    path.split('.').try_fold(root, |node, key| node.get(key))
}
