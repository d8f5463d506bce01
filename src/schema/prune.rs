//! CRD schemas that no object of the run can use, dropped as soon as their CRD is validated.
//!
//! A CRD's `openAPIV3Schema` trees are most of a CRD-heavy run's memory (the CRD-heavy corpus:
//! 400,000 of its 522,000 YAML nodes), and a run reads a schema only to validate the CRD
//! itself and the custom resources of the CRD's group and kind. In a run of plain manifests
//! every text is at hand before anything is parsed, so what its objects can be is known up
//! front, as supersets read from the texts ([`Pruning::scan`]): the groups of every
//! `apiVersion` written anywhere (nested ones, and words in descriptions, count too), and the
//! kinds of the documents. Any other CRD is validated right after its file is parsed, and its
//! schemas are dropped: the files parsed next reuse that memory instead of fresh pages (issue
//! 19: the kernel's time in a run is mostly zeroing fresh pages). The CRD-heavy corpus uses 7
//! of its 166 CRD kinds.

use std::collections::HashSet;

use super::crd::Crds;
use super::objects::check_object;
use crate::check::CheckContext;
use crate::object::{Object, Parsed};
use crate::yaml::{Node, Value};

/// What a run's objects may be: their API groups and kinds (supersets).
pub struct Pruning {
    groups: HashSet<String>,
    /// `None`: a document's kind could not be read.
    kinds: Option<HashSet<String>>,
}

impl Pruning {
    /// Every group named by an `apiVersion` in `texts`, and every kind a document of theirs
    /// may hold an object of ([`kinds_of_documents`]). `None` when an `apiVersion` is written
    /// in a way whose value a scan cannot read (an alias, a tag, a block scalar, an escape):
    /// then no group can be ruled out.
    pub fn scan(texts: &[&str]) -> Option<Pruning> {
        use rayon::prelude::*;
        // The texts are read on both cores (two passes over each: ~1.6% of a CRD-heavy run).
        let one = |text: &&str| -> Option<Pruning> {
            if has_explicit_key(text.as_bytes()) {
                return None;
            }
            let mut groups = HashSet::new();
            for value in values_of(API_VERSION, text) {
                if let Some((group, _)) = value?.split_once('/') {
                    groups.insert(group.to_string());
                }
            }
            let mut kinds = HashSet::new();
            let kinds = kinds_of_documents(text, &mut kinds).map(|()| kinds);
            Some(Pruning { groups, kinds })
        };
        let empty = || {
            Some(Pruning {
                groups: HashSet::new(),
                kinds: Some(HashSet::new()),
            })
        };
        texts.par_iter().map(one).reduce(empty, |a, b| {
            let (mut a, b) = (a?, b?);
            a.groups.extend(b.groups);
            a.kinds = a.kinds.zip(b.kinds).map(|(mut k, more)| {
                k.extend(more);
                k
            });
            Some(a)
        })
    }

    /// Validates each CRD of `parsed` whose group or kind no object of the run is of (when
    /// `ctx` is given: the schema stage runs), appends what that finds to `parsed`'s findings,
    /// and drops the CRD's schemas; the CRD is marked
    /// [`schema_checked`](crate::object::Object).
    pub fn prune(&self, ctx: Option<&CheckContext>, parsed: &mut Parsed) {
        let (objects, diagnostics) = parsed;
        for o in objects.iter_mut() {
            if !o.is_crd() || self.may_be_used(o) {
                continue;
            }
            if let Some(ctx) = ctx {
                diagnostics.extend(check_object(ctx, &Crds::default(), o));
            }
            drop_schemas(&mut o.root);
            o.schema_checked = true;
        }
    }

    /// Whether an object of the run may be of `crd`'s group and kind.
    fn may_be_used(&self, crd: &Object) -> bool {
        let spec = crd.root.get("spec");
        let group = spec.and_then(|s| s.get("group")).and_then(Node::as_str);
        let kind = spec
            .and_then(|s| s.path(&["names", "kind"]))
            .and_then(Node::as_str);
        let (Some(group), Some(kind)) = (group, kind) else {
            return true;
        };
        self.groups.contains(group) && self.kinds.as_ref().is_none_or(|k| k.contains(kind))
    }
}

/// Adds to `kinds` each kind a document of `text` may hold an object of: a block document's
/// top-level `kind` (a line that starts with it: in a block document nothing else can), or,
/// in a document without one, of a list kind (whose items are objects) or in flow style (JSON),
/// every `kind` written in it. `None` when one of those cannot be read.
fn kinds_of_documents(text: &str, kinds: &mut HashSet<String>) -> Option<()> {
    let bytes = text.as_bytes();
    let value = |at: usize| value_at(bytes.get(at + KIND.len()..).unwrap_or_default());
    let mut keys = key_starts(KIND, bytes).peekable();
    for (start, end) in crate::yaml::document_ranges(text) {
        let mut in_document = Vec::new();
        while let Some(at) = keys.next_if(|&at| at < end) {
            in_document.push(at);
        }
        let mut top = Vec::new();
        for &at in in_document.iter().filter(|&&at| starts_line(bytes, at)) {
            top.extend(value(at)?);
        }
        let flow = bytes.get(start..end).is_some_and(in_flow_style);
        if flow || top.is_empty() || top.iter().any(|k| k.ends_with("List")) {
            top.clear();
            for &at in &in_document {
                top.extend(value(at)?);
            }
        }
        kinds.extend(top.into_iter().map(str::to_string));
    }
    Some(())
}

/// Whether the key at `at` starts its line (after its opening quote, if quoted).
fn starts_line(bytes: &[u8], at: usize) -> bool {
    let line_start = |i: usize| i == 0 || bytes.get(i - 1) == Some(&b'\n');
    line_start(at)
        || (at > 0 && matches!(bytes.get(at - 1), Some(b'"' | b'\'')) && line_start(at - 1))
}

/// Whether a document's content starts with `{` or `[` (after its `---` marker, directives,
/// comments and blank lines).
fn in_flow_style(document: &[u8]) -> bool {
    let content = document.split(|&b| b == b'\n').find_map(|line| {
        let line = line.strip_prefix(b"---").unwrap_or(line).trim_ascii();
        let skip = line.is_empty() || line.starts_with(b"#") || line.starts_with(b"%");
        (!skip).then_some(line)
    });
    content.is_some_and(|line| line.starts_with(b"{") || line.starts_with(b"["))
}

/// Whether a line of `bytes` gives `kind` or `apiVersion` as YAML's explicit key (`? kind`,
/// its value after `:` on a later line): a scan reads a key's value on the key's own line, so
/// such a text is not read at all. (Lines of CEL rules start with `? ` too; they do not count.)
fn has_explicit_key(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'?', bytes).any(|at| {
        let before = bytes.get(..at).unwrap_or_default();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let indent = before.get(line_start..).unwrap_or_default();
        if !indent.iter().all(|&b| b == b' ' || b == b'-') {
            return false;
        }
        let key = bytes
            .get(at + 1..)
            .unwrap_or_default()
            .trim_ascii_start_spaces();
        let key = key
            .strip_prefix(b"\"")
            .or(key.strip_prefix(b"'"))
            .unwrap_or(key);
        [KIND, API_VERSION].iter().any(|name| {
            key.starts_with(name)
                && key
                    .get(name.len())
                    .is_none_or(|&b| !b.is_ascii_alphanumeric() && b != b'_' && b != b'-')
        })
    })
}

const API_VERSION: &[u8] = b"apiVersion";
const KIND: &[u8] = b"kind";

/// The value of each `key:` in `text`, as a scan reads it ([`value_at`]): `None` for one it
/// cannot read.
fn values_of<'t>(key: &'t [u8], text: &'t str) -> impl Iterator<Item = Option<&'t str>> + 't {
    let bytes = text.as_bytes();
    key_starts(key, bytes).filter_map(move |at| match value_at(bytes.get(at + key.len()..)?) {
        Some(value) => value.map(Some),
        None => Some(None),
    })
}

/// Where each `key` starts in `bytes`, but for words that only end in it (`listKind`).
fn key_starts<'t>(key: &'t [u8], bytes: &'t [u8]) -> impl Iterator<Item = usize> + 't {
    memchr::memmem::find_iter(bytes, key).filter(move |&at| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        !before.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

/// The value of the key that ends where `rest` starts: `Some(None)` when this is no key
/// (words in a description), no value (null) or a map or a list; `None` when the value cannot
/// be read (see [`Pruning::scan`]).
fn value_at(rest: &[u8]) -> Option<Option<&str>> {
    let rest = rest
        .strip_prefix(b"\"")
        .or(rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let rest = rest.trim_ascii_start_spaces();
    let Some(rest) = rest.strip_prefix(b":") else {
        return Some(None);
    };
    let rest = rest.trim_ascii_start_spaces();
    let rest = match rest.first() {
        // The value is on a later line: a map or a list there (a CRD schema's `apiVersion`
        // property) names no group; anything else is read as the value.
        Some(b'\n' | b'\r' | b'#') | None => match next_content_line(rest) {
            Some(line) if !starts_collection(line) => line,
            _ => return Some(None),
        },
        _ => rest,
    };
    let (quote, rest) = match rest.first() {
        Some(q @ (b'"' | b'\'')) => (Some(*q), rest.get(1..).unwrap_or(&[])),
        _ => (None, rest),
    };
    let end = rest
        .iter()
        .position(|&b| match quote {
            Some(q) => b == q || b == b'\n',
            // Quotes too: no group or kind holds one, and the key may be words in a quoted
            // string (`note: 'kind: Widget'`).
            None => {
                b.is_ascii_whitespace() || matches!(b, b',' | b'}' | b']' | b'#' | b'"' | b'\'')
            }
        })
        .unwrap_or(rest.len());
    let value = std::str::from_utf8(rest.get(..end)?).ok()?;
    // What YAML would read as something other than these characters (`""` is read: empty).
    let literal = match quote {
        Some(_) => !value.contains('\\'),
        None => !value.is_empty() && !value.starts_with(YAML_SIGNS),
    };
    literal.then_some(Some(value))
}

/// The line after the one `rest` starts in that holds more than spaces or a comment, without
/// its indentation; `None` at the end of the text.
fn next_content_line(rest: &[u8]) -> Option<&[u8]> {
    let mut lines = rest.split(|&b| b == b'\n').skip(1);
    lines.find_map(|line| {
        let line = line.trim_ascii_start();
        (!line.is_empty() && !line.starts_with(b"#")).then_some(line)
    })
}

/// Whether a value's first line starts a list (`- `) or a map (`key: `).
fn starts_collection(line: &[u8]) -> bool {
    let token_end = line
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(line.len());
    let token = line.get(..token_end).unwrap_or(line);
    token == b"-" || token.ends_with(b":")
}

/// The first characters of a plain value that make it something other than its text: an
/// alias, an anchor, a tag, a block scalar, a flow collection, a directive.
const YAML_SIGNS: &[char] = &['*', '&', '!', '|', '>', '{', '[', '%', '@', '`'];

trait TrimSpaces {
    fn trim_ascii_start_spaces(&self) -> &Self;
}

impl TrimSpaces for [u8] {
    /// Spaces and tabs only: a value on a later line is not read.
    fn trim_ascii_start_spaces(&self) -> &[u8] {
        let skip = self
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(self.len());
        self.get(skip..).unwrap_or(&[])
    }
}

/// Replaces each version's `schema.openAPIV3Schema` (and v1beta1's shared
/// `validation.openAPIV3Schema`) with a null at the same place.
fn drop_schemas(root: &mut Node) {
    let Some(spec) = root.get_mut("spec") else {
        return;
    };
    if let Some(shared) = spec
        .get_mut("validation")
        .and_then(|v| v.get_mut("openAPIV3Schema"))
    {
        shared.value = Value::Null;
    }
    if let Some(Value::Seq(versions)) = spec.get_mut("versions").map(|v| &mut v.value) {
        for version in versions.iter_mut() {
            if let Some(schema) = version
                .get_mut("schema")
                .and_then(|s| s.get_mut("openAPIV3Schema"))
            {
                schema.value = Value::Null;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(texts: &[&str]) -> Option<Vec<String>> {
        let pruning = Pruning::scan(texts)?;
        let mut groups: Vec<String> = pruning.groups.into_iter().collect();
        groups.sort();
        Some(groups)
    }

    #[test]
    fn groups_are_read_from_every_way_of_writing_an_api_version() {
        let yaml = "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\n---\napiVersion: v1\n";
        let status = "status:\n  acceptedNames:\n    kind: \"\"\n";
        let cel = "rule: 'has(self.x)\n  ? has(self.port) : true'\n";
        let json = r#"{"apiVersion": "ray.io/v1", "kind": "RayCluster"}"#;
        let flow = "items: [{apiVersion: 'grafana.integreatly.org/v1beta1', kind: Grafana}]";
        let prose = "description: the apiVersion of the referent (apiVersion is a string)";
        let property =
            "properties:\n  apiVersion:\n    description: APIVersion\n    type: string\n";
        let later_line = "apiVersion: # the group\n\n  cert-manager.io/v1\nkind: Issuer\n";
        assert_eq!(
            groups(&[yaml, status, cel, json, flow, prose, property, later_line]).unwrap(),
            [
                "cert-manager.io",
                "grafana.integreatly.org",
                "monitoring.coreos.com",
                "ray.io"
            ]
        );
    }

    #[test]
    fn a_document_s_kinds_are_its_top_level_one_unless_it_is_a_list_or_has_none() {
        let kinds = |texts: &[&str]| {
            let pruning = Pruning::scan(texts).unwrap();
            let mut kinds: Vec<String> = pruning.kinds?.into_iter().collect();
            kinds.sort();
            Some(kinds)
        };
        let crd = "kind: CustomResourceDefinition\nspec:\n  names:\n    kind: Gadget\n";
        let quoted = "---\n\"kind\": Issuer\nspec:\n  ref:\n    kind: Secret\n";
        let list = "---\nkind: List\nitems:\n- apiVersion: ray.io/v1\n  kind: RayCluster\n";
        let json = "---\n{\"kind\": \"Grafana\", \"spec\": {\"listKind\": \"GrafanaList\"}}\n";
        let indented = "---\n  apiVersion: v1\n  kind: ConfigMap\n";
        let odd_json = "---\n{\n  \"kind\": \"Secret\",\n  \"spec\": {\n\"kind\": \"Inner\"}}\n";
        let text = [crd, quoted, list, json, indented, odd_json].concat();
        assert_eq!(
            kinds(&[&text]).unwrap(),
            [
                "ConfigMap",
                "CustomResourceDefinition",
                "Grafana",
                "Inner",
                "Issuer",
                "List",
                "RayCluster",
                "Secret"
            ]
        );
        assert_eq!(kinds(&["kind: !!str Widget\n"]), None);
    }

    #[test]
    fn a_value_a_scan_cannot_read_rules_nothing_out() {
        for text in [
            "apiVersion: *version\n",
            "apiVersion: !!str example.com/v1\n",
            "apiVersion: &v example.com/v1\n",
            "? apiVersion\n: example.com/v1\n",
            "items:\n  - ? kind\n    : Widget\n",
            "apiVersion: >-\n  example.com/v1\n",
            "\"apiVersion\": \"example.com\\/v1\"",
        ] {
            assert!(groups(&[text]).is_none(), "{text}");
        }
    }
}
