//! JSON Schema validation of chart values, with the semantics and messages of the validator Helm
//! uses (santhosh-tekuri/jsonschema v6): drafts 4, 6, 7, 2019-09 and 2020-12 (2020-12 when
//! `$schema` is absent), `format` asserted up to draft 7 only, numbers compared exactly, schemas
//! checked like against their metaschema when compiled. kforge never downloads: a `$ref` outside
//! the document is a compile error (an unresolvable `urn:` accepts anything, as in Helm).

mod compile;
mod format;
mod number;
#[cfg(test)]
mod tests;
mod validate;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Draft {
    D4,
    D6,
    D7,
    D2019,
    #[default]
    D2020,
}

impl Draft {
    /// The draft a `$schema` URL names (`http`/`https`, empty fragment); `None` if unknown.
    pub fn from_url(url: &str) -> Option<Draft> {
        let (u, frag) = url.split_once('#').unwrap_or((url, ""));
        if !frag.is_empty() {
            return None;
        }
        let u = u
            .strip_prefix("http://")
            .or_else(|| u.strip_prefix("https://"))
            .unwrap_or(u);
        Some(match u {
            "json-schema.org/schema" | "json-schema.org/draft/2020-12/schema" => Draft::D2020,
            "json-schema.org/draft/2019-09/schema" => Draft::D2019,
            "json-schema.org/draft-07/schema" => Draft::D7,
            "json-schema.org/draft-06/schema" => Draft::D6,
            "json-schema.org/draft-04/schema" => Draft::D4,
            _ => return None,
        })
    }
}

/// Why a document is not a usable schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
}

impl CompileError {
    fn new(message: String) -> Self {
        CompileError { message }
    }

    /// A keyword value the metaschema rejects, at its place in the document.
    fn meta(at: &str, why: String) -> Self {
        CompileError {
            message: format!("at {}: {why}", quote(at)),
        }
    }
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Kind {
    /// Several errors of one schema; never reported itself.
    #[default]
    Group,
    Leaf,
    /// Fails because of its causes (`anyOf`, `allOf`, `contains`, `propertyNames`, …).
    Combinator,
    Required(Vec<String>),
    AdditionalProperties(Vec<String>),
    /// Validation gave up (cycle depth, work).
    Limit,
}

/// Most lines of causes under one finding.
const MAX_CAUSE_LINES: usize = 20;

/// One failure: where in the instance (JSON Pointer tokens), what, and the failures under it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Error {
    pub path: Vec<String>,
    pub kind: Kind,
    pub message: String,
    pub causes: Vec<Error>,
}

impl Error {
    /// This error's causes, or itself if it has none (groups are seen through).
    fn into_causes(self) -> Vec<Error> {
        if self.kind == Kind::Group {
            self.causes
        } else {
            vec![self]
        }
    }

    /// The instance location as Helm prints it: `/a/0/b`.
    pub fn pointer(&self) -> String {
        self.path
            .iter()
            .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
            .collect()
    }

    /// The causes as Helm lists them, one `- at '/ptr': message` a line, nested by indent.
    /// At most [`MAX_CAUSE_LINES`] lines: failed branches can multiply.
    pub fn causes_text(&self) -> String {
        let mut out = String::new();
        let mut lines = 0;
        for c in &self.causes {
            c.write_tree(0, &mut out, &mut lines);
        }
        if lines > MAX_CAUSE_LINES {
            out.push_str("\n- …");
        }
        out
    }

    fn write_tree(&self, indent: usize, out: &mut String, lines: &mut usize) {
        if self.kind == Kind::Group {
            for c in &self.causes {
                c.write_tree(indent, out, lines);
            }
            return;
        }
        *lines += 1;
        if *lines > MAX_CAUSE_LINES {
            return;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&"  ".repeat(indent.min(16)));
        out.push_str(&format!(
            "- at {}: {}",
            quote(&self.pointer()),
            self.message
        ));
        for c in &self.causes {
            c.write_tree(indent + 1, out, lines);
        }
    }
}

/// A compiled `values.schema.json`.
pub struct JsonSchema {
    compiled: compile::Compiled,
}

impl JsonSchema {
    pub fn compile(doc: &Value) -> Result<JsonSchema, CompileError> {
        Ok(JsonSchema {
            compiled: compile::compile(doc)?,
        })
    }

    /// Every failure, groups flattened: each a finding of its own.
    pub fn validate(&self, instance: &Value) -> Vec<Error> {
        let mut out = Vec::new();
        if let Err(e) = validate::Validator::new(&self.compiled).validate(instance) {
            flatten(e, &mut out);
        }
        out
    }
}

fn flatten(e: Error, out: &mut Vec<Error>) {
    if e.kind == Kind::Group {
        for c in e.causes {
            flatten(c, out);
        }
    } else {
        out.push(e);
    }
}

/// A string as Helm's validator quotes it: Go's `%q` with single quotes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A value in a message: strings quoted, arrays and objects as `value`, numbers as written
/// (Helm keeps a schema's numbers as their JSON text).
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Array(_) | Value::Object(_) => "value".into(),
        Value::Null => "<nil>".into(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
    }
}
