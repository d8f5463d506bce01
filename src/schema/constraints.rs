//! The OpenAPI v3.0 value constraints of CRD schemas (`minimum`, `pattern`, `maxItems`, ...),
//! checked the way the API server checks custom resources, with its messages: kube-openapi's
//! `… in body should …` as apiextensions-apiserver turns them into field errors.

use std::collections::BTreeMap;

use super::model::{Bound, Constraints, Schema};
use super::validate::{Path, Walker};
use crate::catalog::schema::{LIST_CONSTRAINT, VALUE_CONSTRAINT};
use crate::diag::Diagnostic;
use crate::yaml::{Node, Value};

impl Walker<'_> {
    /// Only the constraints that apply to the value's kind are checked (a `pattern` says nothing
    /// about a number), as kube-openapi does; order and wording follow it too.
    pub(super) fn check_constraints(&mut self, c: &Constraints, node: &Node, path: &Path) {
        match &node.value {
            Value::Int(_) | Value::Float(_) => self.check_number(c, node, path),
            Value::Str(text) => self.check_string(c, text, node, path),
            Value::Seq(items) => self.check_items(c, items, node, path),
            Value::Map(entries) => self.check_properties(c, entries, node, path),
            Value::Null | Value::Bool(_) => {}
        }
    }

    /// `metadata.name` and `metadata.generateName` against the constraints a CRD's schema
    /// declares for them (the rest of a declared metadata schema is not used).
    pub(super) fn check_name_constraints<'n>(
        &mut self,
        declared: &Schema,
        metadata: &'n Node,
        path: &mut Path<'n>,
    ) {
        for field in ["name", "generateName"] {
            if let Some(c) = declared
                .property(field)
                .and_then(|s| s.constraints.as_deref())
                && let Some(value) = metadata.get(field).filter(|v| !v.is_null())
            {
                path.push_key(field);
                self.check_constraints(c, value, path);
                path.pop();
            }
        }
    }

    fn check_number(&mut self, c: &Constraints, node: &Node, path: &Path) {
        let (value, shown) = match node.value {
            Value::Int(i) => (i as f64, i.to_string()),
            Value::Float(f) => (f, go_float(f)),
            _ => return,
        };
        let fail = |this: &mut Self, should: String, label: String| {
            this.report(
                Diagnostic::new(
                    &VALUE_CONSTRAINT,
                    format!("{path}: Invalid value: {shown}: {path} in body should {should}"),
                )
                .at(node.site(), label),
            );
        };
        if let Some(factor) = c.multiple_of
            && !is_multiple(&node.value, factor)
        {
            let factor = go_float(factor);
            fail(
                self,
                format!("be a multiple of {factor}"),
                format!("not a multiple of {factor}"),
            );
        }
        if let Some(Bound {
            value: max,
            exclusive,
        }) = c.maximum
        {
            let max_shown = go_float(max);
            if exclusive && value >= max {
                fail(
                    self,
                    format!("be less than {max_shown}"),
                    format!("must be below {max_shown}"),
                );
            } else if value > max {
                fail(
                    self,
                    format!("be less than or equal to {max_shown}"),
                    format!("the maximum is {max_shown}"),
                );
            }
        }
        if let Some(Bound {
            value: min,
            exclusive,
        }) = c.minimum
        {
            let min_shown = go_float(min);
            if exclusive && value <= min {
                fail(
                    self,
                    format!("be greater than {min_shown}"),
                    format!("must be above {min_shown}"),
                );
            } else if value < min {
                fail(
                    self,
                    format!("be greater than or equal to {min_shown}"),
                    format!("the minimum is {min_shown}"),
                );
            }
        }
    }

    fn check_string(&mut self, c: &Constraints, text: &str, node: &Node, path: &Path) {
        // The API server counts characters (runes), not bytes.
        let chars = || text.chars().count() as i64;
        if let Some(max) = c.max_length
            && chars() > max
        {
            self.report(
                Diagnostic::new(
                    &VALUE_CONSTRAINT,
                    format!("{path}: Too long: may not be longer than {max}"),
                )
                .at(
                    node.site(),
                    format!("{} characters, at most {max} allowed", chars()),
                ),
            );
        }
        if let Some(min) = c.min_length
            && chars() < min
        {
            self.report(
                Diagnostic::new(
                    &VALUE_CONSTRAINT,
                    format!(
                        "{path}: Invalid value: {}: {path} in body should be at least {min} chars long",
                        shown_string(text)
                    ),
                )
                .at(
                    node.site(),
                    format!("{} characters, at least {min} needed", chars()),
                ),
            );
        }
        if let Some(pattern) = &c.pattern
            // A pattern that does not compile here checks nothing rather than guessing.
            && let Some(re) = pattern.regex()
            && !re.is_match(text)
        {
            self.report(
                Diagnostic::new(
                    &VALUE_CONSTRAINT,
                    format!(
                        "{path}: Invalid value: {}: {path} in body should match '{}'",
                        shown_string(text),
                        pattern.source
                    ),
                )
                .at(
                    node.site(),
                    "does not match the pattern of the CRD's schema",
                ),
            );
        }
    }

    fn check_items(&mut self, c: &Constraints, items: &[Node], node: &Node, path: &Path) {
        let n = items.len() as i64;
        if let Some(min) = c.min_items
            && n < min
        {
            self.report(
                Diagnostic::new(
                    &LIST_CONSTRAINT,
                    format!(
                        "{path}: Invalid value: {n}: {path} in body should have at least {min} items"
                    ),
                )
                .at(node.site(), format!("{n} items, at least {min} needed")),
            );
        }
        if let Some(max) = c.max_items
            && n > max
        {
            // The first item too many is where the list goes wrong.
            let site = usize::try_from(max)
                .ok()
                .and_then(|i| items.get(i))
                .map_or(node.site(), Node::site);
            self.report(
                Diagnostic::new(&LIST_CONSTRAINT, too_many(path, n, max))
                    .at(site, format!("item {} of at most {max}", max + 1)),
            );
        }
        if c.unique_items {
            self.check_unique(items, path);
        }
    }

    /// `x-kubernetes-list-type: set` (and `uniqueItems`): each repeated value is reported once,
    /// at its second occurrence, as the API server's list-type validation does.
    fn check_unique(&mut self, items: &[Node], path: &Path) {
        let mut seen: BTreeMap<String, (usize, bool)> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            if item.is_null() {
                continue;
            }
            let mut key = String::new();
            canonical(item, &mut key);
            match seen.get_mut(&key) {
                None => {
                    seen.insert(key, (i, false));
                }
                Some((_, true)) => {}
                Some((first, reported)) => {
                    *reported = true;
                    let first_site = items.get(*first).map_or(item.site(), Node::site);
                    let shown = match &item.value {
                        Value::Str(s) => shown_string(s),
                        _ => key,
                    };
                    let d = Diagnostic::new(
                        &LIST_CONSTRAINT,
                        format!("{path}[{i}]: Duplicate value: {shown}"),
                    )
                    .at(item.site(), "duplicate item")
                    .with_label(first_site, "first here")
                    .with_help(format!(
                        "the items of `{}` form a set: each value may appear once",
                        path.last_segment()
                    ));
                    self.report(d);
                }
            }
        }
    }

    fn check_properties(
        &mut self,
        c: &Constraints,
        entries: &[(Node, Node)],
        node: &Node,
        path: &Path,
    ) {
        // Null fields are dropped before validation: they do not count.
        let present: Vec<&(Node, Node)> = entries.iter().filter(|(_, v)| !v.is_null()).collect();
        let n = present.len() as i64;
        if let Some(max) = c.max_properties
            && n > max
        {
            let site = usize::try_from(max)
                .ok()
                .and_then(|i| present.get(i))
                .map_or(node.site(), |(k, _)| k.site());
            // apiextensions-apiserver reports maxProperties with the same `Too many` error as
            // maxItems, "items" included.
            self.report(
                Diagnostic::new(&LIST_CONSTRAINT, too_many(path, n, max))
                    .at(site, format!("field {} of at most {max}", max + 1)),
            );
        }
        if let Some(min) = c.min_properties
            && n < min
        {
            self.report(
                Diagnostic::new(
                    &LIST_CONSTRAINT,
                    format!(
                        "{path}: Invalid value: {n}: {path} in body should have at least {min} properties"
                    ),
                )
                .at(node.site(), format!("{n} fields, at least {min} needed")),
            );
        }
    }
}

/// `field.TooMany` of the API server.
fn too_many(path: &Path, n: i64, max: i64) -> String {
    let items = if max == 1 { "item" } else { "items" };
    format!("{path}: Too many: {n}: must have at most {max} {items}")
}

/// A string value as the API server quotes it, cut short when long (certificates, scripts).
fn shown_string(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        return serde_json::Value::from(text).to_string();
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{}…", serde_json::Value::from(cut))
}

/// kube-openapi's `multipleOf`: integers exactly, other numbers with a relative tolerance (so
/// 0.3 is a multiple of 0.1 although the division says 2.9999999999999996).
fn is_multiple(value: &Value, factor: f64) -> bool {
    if let Value::Int(i) = *value
        && factor.fract() == 0.0
        && (1.0..9.2e18).contains(&factor)
    {
        return i.checked_rem(factor as i64).is_none_or(|r| r == 0);
    }
    let data = match *value {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        _ => return true,
    };
    let quotient = if factor < 1.0 {
        1.0 / factor * data
    } else {
        data / factor
    };
    is_integer(quotient)
}

fn is_integer(f: f64) -> bool {
    if !f.is_finite() {
        return false;
    }
    let r = f.round();
    r == f || (f - r).abs() / (f.abs() + r.abs()) < 1e-9
}

/// A float as Go's `%v` prints it (`strconv.FormatFloat(f, 'g', -1, 64)`): `1`, `0.5`,
/// `1e+06`, `1.5e-05`.
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    } else {
        format!("{f}")
    }
}

/// A value as canonical JSON (sorted keys, integral numbers as integers, the way the API server
/// sees YAML `1.0`): equal values give equal text.
fn canonical(node: &Node, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => {
            out.push_str(&(*f as i64).to_string())
        }
        Value::Float(f) => out.push_str(&go_float(*f)),
        Value::Str(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            let mut fields: Vec<(String, &Node)> = entries
                .iter()
                .map(|(k, v)| (k.scalar_text().unwrap_or_default(), v))
                .collect();
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::from(k.as_str()).to_string());
                out.push(':');
                canonical(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        for (f, want) in [
            (1.0, "1"),
            (0.5, "0.5"),
            (-2.0, "-2"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (0.0, "0"),
            (1e21, "1e+21"),
        ] {
            assert_eq!(go_float(f), want, "{f}");
        }
    }

    #[test]
    fn multiples_tolerate_float_error() {
        assert!(is_multiple(&Value::Int(6), 3.0));
        assert!(!is_multiple(&Value::Int(7), 3.0));
        assert!(is_multiple(&Value::Float(0.3), 0.1));
        assert!(is_multiple(&Value::Float(1.5), 0.5));
        assert!(!is_multiple(&Value::Float(1.25), 0.5));
        assert!(is_multiple(&Value::Int(3), 1.5));
        assert!(!is_multiple(&Value::Int(4), 1.5));
        assert!(is_multiple(&Value::Int(3), 0.5));
        assert!(is_multiple(&Value::Int(i64::MIN), 1.0));
    }
}

#[cfg(test)]
mod pattern_tests {
    use super::super::model::Pattern;

    fn matches(pattern: &str, text: &str) -> Option<bool> {
        Pattern::new(pattern).regex().map(|re| re.is_match(text))
    }

    /// Patterns of real CRDs (flux, metallb, Gateway API) compile with Go's meaning.
    #[test]
    fn real_crd_patterns_compile_and_match() {
        for (pattern, good, bad) in [
            (r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$", "1m30s", "1 minute"),
            (
                r"^([a-zA-Z0-9_\-.\\\/]|\[[0-9]{1,5}\])+$",
                r"a/b\c[12]",
                "a b",
            ),
            (r"^[\-._a-zA-Z0-9]+$", "a-b_c.d", "a/b"),
            (r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", "ab:c", "1ab"),
            (
                r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
                "example.com/Key_1",
                "-bad",
            ),
            (r"^\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]*$", "/api/v1", "api"),
            (r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "web-1", "Web"),
            (r"^\d{1,3}(\.\d{1,3}){3}$", "10.0.0.1", "10.0.0"),
            (r"^[^\d\s]+$", "abc", "a1"),
            (r"^\w+\S$", "ab_c", "a "),
        ] {
            assert_eq!(matches(pattern, good), Some(true), "{pattern} {good}");
            assert_eq!(matches(pattern, bad), Some(false), "{pattern} {bad}");
        }
    }

    #[test]
    fn escaped_backslashes_are_not_perl_classes() {
        // `\\d` is a backslash then `d`.
        assert_eq!(matches(r"^\\d$", r"\d"), Some(true));
        assert_eq!(matches(r"^\\d$", "1"), Some(false));
    }

    #[test]
    fn patterns_that_do_not_compile_are_none() {
        for pattern in ["^[a-z", "(?=x)", r"\", "a{99999}{99999}"] {
            assert_eq!(matches(pattern, "x"), None, "{pattern}");
        }
    }
}
