//! Field paths and field errors in the API server's shape (`util/validation/field/errors.go`), and
//! the walk from a field path to the span of that field in the object's tree.

use crate::source::Span;
use crate::yaml::{Node, Value};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
    /// A map key shown in brackets, as the API server does for data keys (`data[tls.crt]`).
    MapKey(String),
}

/// A path such as `spec.template.spec.containers[0].ports[1].name`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldPath(Vec<Seg>);

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// `FieldPath::parse("spec.template.spec")`: dotted keys only.
    pub fn of(dotted: &str) -> FieldPath {
        FieldPath(
            dotted
                .split('.')
                .filter(|s| !s.is_empty())
                .map(|s| Seg::Key(s.to_string()))
                .collect(),
        )
    }

    pub fn key(&self, key: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn map_key(&self, key: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::MapKey(key.to_string()));
        p
    }

    /// Span of the field in `root`: the value when present; when absent, the key of the deepest
    /// parent that is present (a map key in brackets points at the key itself).
    pub fn locate(&self, root: &Node, fallback: Span) -> Span {
        let mut node = root;
        let mut at = fallback;
        for seg in &self.0 {
            let found = match seg {
                Seg::Key(k) | Seg::MapKey(k) => node.entry(k).map(|(key, v)| (v, key.site())),
                Seg::Index(i) => node.as_seq().and_then(|s| s.get(*i)).map(|v| (v, v.site())),
            };
            let Some((child, here)) = found else {
                return at;
            };
            at = here;
            node = child;
        }
        match self.0.last() {
            Some(Seg::MapKey(_)) => at,
            Some(_) => node.site(),
            None => fallback,
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) if first => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
                Seg::MapKey(k) => write!(f, "[{k}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Required,
    Invalid,
    Unsupported,
    Duplicate,
    NotFound,
    Forbidden,
    TooLong,
}

/// One `field.Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: FieldPath,
    pub kind: ErrorType,
    /// The bad value as the API server prints it (`"web"`, `8080`, JSON for collections).
    pub value: Option<String>,
    pub detail: String,
    /// API-server warnings (returned with a 2xx) rather than errors.
    pub warning: bool,
    /// Where to point when the path alone is too coarse (a bad key inside `metadata.labels`).
    pub span: Option<Span>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.value.as_deref().unwrap_or("null");
        // The object root (ConfigMap size) has an empty path: no "path: " prefix then.
        if !self.path.0.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        match self.kind {
            ErrorType::Required => write!(f, "Required value")?,
            ErrorType::Invalid => write!(f, "Invalid value: {value}")?,
            ErrorType::Unsupported => write!(f, "Unsupported value: {value}")?,
            ErrorType::Duplicate => write!(f, "Duplicate value: {value}")?,
            ErrorType::NotFound => write!(f, "Not found: {value}")?,
            ErrorType::Forbidden => write!(f, "Forbidden")?,
            ErrorType::TooLong => write!(f, "Too long")?,
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// A value as the API server renders it in messages (v1.34+: JSON for collections).
pub fn render(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => quote(s),
        Value::Null => "null".to_string(),
        _ => node
            .scalar_text()
            .unwrap_or_else(|| node.to_json().to_string()),
    }
}

pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Collects field errors for one object.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>, pub Wording);

/// Texts that changed between Kubernetes releases (apiserver-rules.md §0).
#[derive(Clone, Copy, Debug, Default)]
pub struct Wording {
    /// v1.35+: label key name parts and values say `must be no more than 63 bytes`.
    pub label_bytes: bool,
    /// Up to v1.31: `Too long: must have at most N bytes`.
    pub old_too_long: bool,
}

impl Wording {
    pub fn for_version(v: crate::version::KubeVersion) -> Wording {
        Wording {
            label_bytes: v.minor >= 35,
            old_too_long: v.minor <= 31,
        }
    }
}

impl Errors {
    fn push(
        &mut self,
        path: &FieldPath,
        kind: ErrorType,
        value: Option<String>,
        detail: impl Into<String>,
    ) {
        self.0.push(FieldError {
            path: path.clone(),
            kind,
            value,
            detail: detail.into(),
            warning: false,
            span: None,
        });
    }

    pub fn required(&mut self, path: &FieldPath, detail: impl Into<String>) {
        self.push(path, ErrorType::Required, None, detail);
    }

    pub fn invalid(
        &mut self,
        path: &FieldPath,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(path, ErrorType::Invalid, Some(value.into()), detail);
    }

    pub fn invalid_node(&mut self, path: &FieldPath, node: &Node, detail: impl Into<String>) {
        self.push(path, ErrorType::Invalid, Some(render(node)), detail);
    }

    /// An enum field with a value outside `supported`. Null and `""` are left alone: defaulting
    /// runs before validation and fills them in.
    pub fn unsupported(&mut self, path: &FieldPath, node: &Node, supported: &[&str]) {
        if node.is_null() || node.as_str() == Some("") {
            return;
        }
        let list: Vec<String> = supported.iter().map(|s| quote(s)).collect();
        self.push(
            path,
            ErrorType::Unsupported,
            Some(render(node)),
            format!("supported values: {}", list.join(", ")),
        );
    }

    pub fn duplicate(&mut self, path: &FieldPath, value: impl Into<String>) {
        self.push(path, ErrorType::Duplicate, Some(value.into()), "");
    }

    pub fn not_found(&mut self, path: &FieldPath, value: impl Into<String>) {
        self.push(path, ErrorType::NotFound, Some(value.into()), "");
    }

    pub fn forbidden(&mut self, path: &FieldPath, detail: impl Into<String>) {
        self.push(path, ErrorType::Forbidden, None, detail);
    }

    pub fn too_long(&mut self, path: &FieldPath, limit: usize) {
        self.push(
            path,
            ErrorType::TooLong,
            None,
            if self.1.old_too_long {
                format!("must have at most {limit} bytes")
            } else {
                format!("may not be more than {limit} bytes")
            },
        );
    }

    pub fn warn(&mut self, path: &FieldPath, detail: impl Into<String>) {
        self.0.push(FieldError {
            path: path.clone(),
            kind: ErrorType::Invalid,
            value: None,
            detail: detail.into(),
            warning: true,
            span: None,
        });
    }

    /// Points the errors pushed since `from` at `span`.
    pub fn point_since(&mut self, from: usize, span: Span) {
        for e in self.0.iter_mut().skip(from) {
            e.span = Some(span);
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each message of a name/syntax checker becomes an Invalid value error.
    pub fn check(&mut self, path: &FieldPath, node: &Node, messages: Vec<String>) {
        for m in messages {
            self.invalid_node(path, node, m);
        }
    }

    /// Checks a string field with a syntax checker; non-strings are left to the schema stage.
    pub fn check_str(
        &mut self,
        path: &FieldPath,
        node: Option<&Node>,
        checker: fn(&str) -> Vec<String>,
    ) {
        if let Some(n) = node
            && let Some(s) = n.as_str()
        {
            self.check(path, n, checker(s));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    #[test]
    fn paths_print_like_the_api_server() {
        let p = FieldPath::of("spec").key("ports").index(1).key("name");
        assert_eq!(p.to_string(), "spec.ports[1].name");
        assert_eq!(
            FieldPath::root().key("data").map_key("tls.crt").to_string(),
            "data[tls.crt]"
        );
    }

    #[test]
    fn errors_print_like_the_api_server() {
        let mut e = Errors::default();
        e.required(&FieldPath::of("spec.ports").index(1).key("name"), "");
        let n = Node::new(Value::Str("Never".into()), Span::new(FileId(0), 0, 0));
        e.unsupported(
            &FieldPath::of("spec.template.spec.restartPolicy"),
            &n,
            &["Always"],
        );
        assert_eq!(e.0[0].to_string(), "spec.ports[1].name: Required value");
        assert_eq!(
            e.0[1].to_string(),
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
        );
    }

    #[test]
    fn too_long_wording_follows_the_version() {
        let v = |minor| crate::version::KubeVersion {
            major: 1,
            minor,
            patch: 0,
        };
        let mut old = Errors(Vec::new(), Wording::for_version(v(30)));
        old.too_long(&FieldPath::of("metadata.annotations"), 262144);
        assert_eq!(
            old.0[0].to_string(),
            "metadata.annotations: Too long: must have at most 262144 bytes"
        );
        let mut new = Errors(Vec::new(), Wording::for_version(v(33)));
        new.too_long(&FieldPath::of("metadata.annotations"), 262144);
        assert_eq!(
            new.0[0].to_string(),
            "metadata.annotations: Too long: may not be more than 262144 bytes"
        );
    }
}
