//! Errors as Go builds them and Helm v4 reprints them.
//!
//! Go's executor formats `template: FILE:LINE:COL: executing "NAME" at <NODE>: MSG` and wraps the
//! errors of called functions with `%w`; Helm (pkg/engine `reformatExecErrorMsg`) walks that
//! `errors.Unwrap` chain and reprints each template layer on its own lines, or prints
//! `execution error at (LOC): MSG` for `required`/`fail`. To reproduce both byte for byte the
//! chain is kept as Go has it: one [`Layer`] per error value, outermost first.

use crate::ast::{self, Arg, Command, Pipe, Span, Tree};

/// One error value of Go's `errors.Unwrap` chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Layer {
    /// `err.Error()`.
    pub msg: String,
    /// A `template.ExecError` (only these are found by Helm's `errors.As`).
    pub exec: bool,
}

/// What kind of failure ended execution, for callers that treat them differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An error Go's executor or a function reports.
    Template,
    /// `required` or `fail` (Helm's `HELM_ERR_START…END` errors).
    Required,
    /// A kforge limit (fuel, depth, output size): Helm would have gone on or run out of memory.
    Limit,
}

/// A failed execution: Go's error chain plus where the innermost template error happened.
#[derive(Clone, Debug)]
pub(crate) struct Chain {
    pub layers: Vec<Layer>,
    pub kind: ErrorKind,
    /// Parse name and byte offset of the innermost executing-template error.
    pub at: Option<(String, u32)>,
}

impl Chain {
    /// A plain Go error (`errors.New`, `fmt.Errorf` without `%w`).
    pub fn plain(msg: String) -> Chain {
        Chain {
            layers: vec![Layer { msg, exec: false }],
            kind: ErrorKind::Template,
            at: None,
        }
    }

    /// `fmt.Errorf(prefix + "%w", inner)`.
    pub fn wrap(prefix: &str, inner: Chain) -> Chain {
        let mut layers = Vec::with_capacity(inner.layers.len() + 1);
        layers.push(Layer {
            msg: format!("{prefix}{}", inner.top()),
            exec: false,
        });
        layers.extend(inner.layers);
        Chain {
            layers,
            kind: inner.kind,
            at: inner.at,
        }
    }

    pub fn top(&self) -> &str {
        self.layers.first().map_or("", |l| l.msg.as_str())
    }
}

/// Helm's `warnWrap` markers around `required`/`fail` messages.
pub(crate) const WARN_START: &str = "HELM_ERR_START";
pub(crate) const WARN_END: &str = "HELM_ERR_END";

/// A node the executor was at when an error happened (Go's `state.node`).
#[derive(Clone, Copy)]
pub(crate) enum At<'n> {
    Arg(&'n Arg),
    Cmd(&'n Command),
    Pipe(&'n Pipe),
    Action {
        span: Span,
        pipe: &'n Pipe,
    },
    Template {
        span: Span,
        name: &'n str,
        pipe: Option<&'n Pipe>,
    },
    /// A range/if/with node: Go points at its pipeline.
    Branch(&'n Pipe),
}

impl At<'_> {
    /// Go's `Node.Position()`: the parser records it as every node's `span.start`.
    pub fn pos(&self) -> u32 {
        match self {
            At::Arg(a) => a.span().start,
            At::Cmd(c) => c.span.start,
            At::Pipe(p) | At::Branch(p) => p.span.start,
            At::Action { span, .. } | At::Template { span, .. } => span.start,
        }
    }

    /// Go's `Node.String()`.
    pub fn context(&self, text: &str) -> String {
        match self {
            At::Arg(a) => a.go_string(text),
            At::Cmd(c) => c.go_string(text),
            At::Pipe(p) | At::Branch(p) => p.go_string(text),
            At::Action { pipe, .. } => format!("{{{{{}}}}}", pipe.go_string(text)),
            At::Template { name, pipe, .. } => match pipe {
                Some(p) => format!("{{{{template {} {}}}}}", go_quote(name), p.go_string(text)),
                None => format!("{{{{template {}}}}}", go_quote(name)),
            },
        }
    }
}

/// Go's `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    crate::fmt::quote(s)
}

/// Go's `template: LOC: executing "NAME" at <CTX>: MSG` for a node of `tree`.
pub(crate) fn exec_error(
    tree: &Tree,
    exec_name: &str,
    at: At<'_>,
    msg: &str,
    wrapped: Option<Chain>,
    kind: ErrorKind,
) -> Chain {
    let pos = at.pos();
    let (line, col) = ast::go_line_col(&tree.text, pos);
    let s = format!(
        "template: {}:{line}:{col}: executing {} at <{}>: {msg}",
        tree.parse_name,
        go_quote(exec_name),
        at.context(&tree.text),
    );
    let mut layers = vec![
        Layer {
            msg: s.clone(),
            exec: true,
        },
        Layer {
            msg: s,
            exec: false,
        },
    ];
    let (kind, inner_at) = match wrapped {
        Some(inner) => {
            let k = if inner.kind == ErrorKind::Template {
                kind
            } else {
                inner.kind
            };
            let a = inner.at;
            layers.extend(inner.layers);
            (k, a)
        }
        None => (kind, None),
    };
    Chain {
        layers,
        kind,
        at: inner_at.or_else(|| Some((tree.parse_name.clone(), pos))),
    }
}

/// What Helm v4 prints for an execution error (`reformatExecErrorMsg`).
/// `filename` is the file Helm was executing.
pub(crate) fn helm_message(chain: &Chain, filename: &str) -> String {
    let top = chain.top();
    if !chain.layers.first().is_some_and(|l| l.exec) {
        return top.to_string();
    }
    let tokens: Vec<&str> = top.splitn(3, ": ").collect();
    let (Some(location), Some(rest)) = (tokens.get(1), tokens.get(2)) else {
        return format!("execution error in ({filename}): {top}");
    };
    if let Some(start) = rest.find(WARN_START) {
        let after = rest.get(start + WARN_START.len()..).unwrap_or("");
        // Go's regexp `START((?s).*)END` is greedy: up to the last END.
        if let Some(end) = after.rfind(WARN_END) {
            let msg = after.get(..end).unwrap_or("");
            return format!("execution error at ({location}): {msg}");
        }
    }
    let mut traces: Vec<Trace> = Vec::new();
    for layer in &chain.layers {
        let Some(tr) = parse_trace(&layer.msg) else {
            return top.to_string();
        };
        if traces.last() != Some(&tr) {
            traces.push(tr);
        }
    }
    let mut out = String::new();
    for t in &traces {
        if !t.location.is_empty() {
            out.push_str(&t.location);
            out.push_str("\n  ");
        }
        if !t.function.is_empty() {
            out.push_str(&t.function);
            out.push_str("\n    ");
        }
        if !t.message.is_empty() {
            out.push_str(&t.message);
            out.push('\n');
        }
    }
    out.trim_matches(|c: char| c.is_ascii_whitespace())
        .to_string()
}

#[derive(PartialEq, Eq)]
struct Trace {
    location: String,
    message: String,
    function: String,
}

/// Helm's `parseTemplateExecErrorString`.
fn parse_trace(s: &str) -> Option<Trace> {
    let rest = s.strip_prefix("template: ")?;
    if rest.starts_with("no template ") {
        return Some(Trace {
            location: String::new(),
            message: s.to_string(),
            function: String::new(),
        });
    }
    // Helm falls through to the simple form when the executing form does not parse.
    if let Some((name, after)) = rest.split_once(": executing ")
        && let Some(t) = parse_executing(name, after)
    {
        return Some(t);
    }
    let sep = rest.rfind(": ")?;
    let name = rest.get(..sep)?;
    let mut msg = rest.get(sep + 2..)?;
    if let Some(cut) = msg.find(" template:") {
        msg = msg.get(..cut)?;
    }
    Some(Trace {
        location: name.to_string(),
        message: msg.to_string(),
        function: String::new(),
    })
}

fn parse_executing(name: &str, after: &str) -> Option<Trace> {
    let body = after.strip_prefix('"')?;
    let end = body.find('"')?;
    let func = body.get(..end)?;
    let after_func = body.get(end + 1..)?;
    let after_at = after_func.strip_prefix(" at <")?;
    let (loc, mut msg) = after_at.split_once(">: ")?;
    if let Some(cut) = msg.find(" template:") {
        msg = msg.get(..cut)?;
    }
    Some(Trace {
        location: name.to_string(),
        message: msg.to_string(),
        function: format!("executing \"{func}\" at <{loc}>:"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_reformats_nested_include_errors() {
        let inner = Chain {
            layers: vec![
                Layer {
                    msg: "template: t/templates/_h.tpl:1:5: executing \"b\" at <.x.y>: nil pointer evaluating interface {}.y".into(),
                    exec: true,
                },
                Layer {
                    msg: "template: t/templates/_h.tpl:1:5: executing \"b\" at <.x.y>: nil pointer evaluating interface {}.y".into(),
                    exec: false,
                },
            ],
            kind: ErrorKind::Template,
            at: None,
        };
        let outer_msg = format!(
            "template: t/templates/c.yaml:1:3: executing \"t/templates/c.yaml\" at <include \"b\" .>: error calling include: {}",
            inner.top()
        );
        let mut layers = vec![
            Layer {
                msg: outer_msg.clone(),
                exec: true,
            },
            Layer {
                msg: outer_msg,
                exec: false,
            },
        ];
        layers.extend(inner.layers);
        let chain = Chain {
            layers,
            kind: ErrorKind::Template,
            at: None,
        };
        assert_eq!(
            helm_message(&chain, "t/templates/c.yaml"),
            "t/templates/c.yaml:1:3\n  executing \"t/templates/c.yaml\" at <include \"b\" .>:\n    error calling include:\nt/templates/_h.tpl:1:5\n  executing \"b\" at <.x.y>:\n    nil pointer evaluating interface {}.y"
        );
    }
}
