//! The minijinja environment kforge renders with: SemiStrict undefined, YAML-friendly
//! formatting, no auto-escaping, bounded work, Helm's helpers, and `include` / `tpl`.

use std::sync::Arc;

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};

use super::context::NAMES;
use super::functions;
use super::shared::{Issue, Shared, issue, nested};

/// An environment with every helper, and no templates yet.
pub fn new(shared: &Arc<Shared>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_debug(true);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(shared.limits.fuel));
    env.set_recursion_limit(shared.limits.recursion_limit);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.set_formatter(format_value);
    let s = shared.clone();
    env.set_path_join_callback(move |name, parent| s.resolve(name, parent).into());
    functions::register(&mut env, shared);
    let s = shared.clone();
    env.add_function(
        "include",
        move |state: &State, name: String, ctx: Option<Value>| include(&s, state, &name, ctx),
    );
    let s = shared.clone();
    env.add_function(
        "tpl",
        move |state: &State, text: String, ctx: Option<Value>| tpl(&s, state, &text, ctx),
    );
    env
}

/// `true`/`false` for booleans, nothing for none, everything else as minijinja prints it.
fn format_value(
    out: &mut minijinja::Output,
    _state: &mut State,
    value: &Value,
) -> Result<(), Error> {
    let written = match value.kind() {
        ValueKind::None | ValueKind::Undefined => Ok(()),
        ValueKind::Bool => out.write_str(if value.is_true() { "true" } else { "false" }),
        _ => match value.as_str() {
            Some(s) => out.write_str(s),
            None => write!(out, "{value}"),
        },
    };
    written.map_err(|_| Error::new(ErrorKind::WriteFailure, "output limit reached"))
}

/// The context a nested render (partial, `tpl` text) sees: the caller's top-level names, plus
/// `ctx` bound to the argument and, when it is a map, each of its keys.
fn nested_context(state: &State, ctx: Option<Value>) -> Value {
    let mut pairs: Vec<(Value, Value)> = Vec::new();
    for name in NAMES {
        if let Some(v) = state.lookup(name) {
            pairs.push((Value::from(*name), v));
        }
    }
    if let Some(ctx) = ctx {
        if ctx.kind() == ValueKind::Map
            && let Ok(keys) = ctx.try_iter()
        {
            for k in keys {
                if let Ok(v) = ctx.get_item(&k) {
                    match pairs.iter_mut().find(|(ek, _)| *ek == k) {
                        Some(slot) => slot.1 = v,
                        None => pairs.push((k, v)),
                    }
                }
            }
        }
        pairs.push((Value::from("ctx"), ctx));
    }
    Value::from_pairs(pairs)
}

/// Keeps the inner error (with its template position) as the source of an error raised at the
/// call site, so the diagnostic shows both.
fn wrap(inner: Error) -> Error {
    let detail = inner
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| inner.kind().to_string());
    Error::new(inner.kind(), detail).with_source(inner)
}

/// `include(name, ctx=none)`: renders a partial or template to a string. Like a Helm `define`,
/// the partial's final newline is not part of the result.
fn include(shared: &Shared, state: &State, name: &str, ctx: Option<Value>) -> Result<Value, Error> {
    let full = shared.resolve(name, state.name());
    if shared.is_broken(&full) {
        return Err(issue(
            Issue::Reported,
            format!("partial `{name}` does not compile"),
        ));
    }
    let template = state.env().get_template(&full).map_err(|_| {
        Error::new(
            ErrorKind::TemplateNotFound,
            format!("include: no template named `{name}`"),
        )
    })?;
    let context = nested_context(state, ctx);
    let text = nested(&shared.limits, &format!("include(\"{name}\")"), || {
        let captured = template.render_captured(context).map_err(wrap)?;
        let used = captured.state().fuel_levels().map_or(0, |(used, _)| used);
        Ok((captured.into_output(), used))
    })?;
    Ok(Value::from(strip_final_newline(text, shared.marked)))
}

/// `tpl(text, ctx=none)`: renders a string as a template with the caller's context.
fn tpl(shared: &Shared, state: &State, text: &str, ctx: Option<Value>) -> Result<Value, Error> {
    let env: &Environment<'_> = state.env();
    let context = nested_context(state, ctx);
    if let Some((_, _, tokens)) = shared.limits.oversized_tag(text) {
        return Err(issue(
            Issue::Limit,
            format!(
                "tpl: a tag with {tokens} tokens is more than kforge compiles (at most {})",
                shared.limits.max_tag_tokens
            ),
        ));
    }
    let text = nested(&shared.limits, "tpl", || {
        let template = env.template_from_named_str("<tpl>", text).map_err(wrap)?;
        let captured = template.render_captured(context).map_err(wrap)?;
        let used = captured.state().fuel_levels().map_or(0, |(used, _)| used);
        Ok((captured.into_output(), used))
    })?;
    Ok(Value::from(text))
}

/// Drops the final line break; in the marked environment the markers after it stay, so the
/// stripped result matches the plain one.
fn strip_final_newline(mut text: String, marked: bool) -> String {
    let end = if marked {
        text.trim_end_matches(super::markers::is_marker_char).len()
    } else {
        text.len()
    };
    let Some(head) = text.get(..end) else {
        return text;
    };
    let cut = if head.ends_with("\r\n") {
        2
    } else if head.ends_with('\n') {
        1
    } else {
        return text;
    };
    text.replace_range(end - cut..end, "");
    text
}
