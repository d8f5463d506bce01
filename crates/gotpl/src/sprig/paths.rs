//! Sprig's path functions: Go's `path` (`base`, `dir`, `clean`, `ext`, `isAbs`) and, as Helm
//! runs on Unix, `path/filepath` (`osBase`, …), which there behave the same.

use super::{f, string};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::Value;

use Ty::String as S;

pub const FUNCS: &[Func] = &[
    f("base", &[S], None, base_fn),
    f("dir", &[S], None, dir_fn),
    f("clean", &[S], None, clean_fn),
    f("ext", &[S], None, ext_fn),
    f("isAbs", &[S], None, is_abs),
    f("osBase", &[S], None, base_fn),
    f("osClean", &[S], None, clean_fn),
    f("osDir", &[S], None, dir_fn),
    f("osExt", &[S], None, ext_fn),
    f("osIsAbs", &[S], None, is_abs),
];

/// `path.Clean`: the shortest equivalent path, lexically.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// `path.Base`: the last element, trailing slashes removed.
pub(crate) fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed
        .rsplit_once('/')
        .map_or(trimmed, |(_, last)| last)
        .to_string()
}

/// `path.Dir`: everything before the last slash, cleaned.
pub(crate) fn dir(p: &str) -> String {
    let head = p.rfind('/').map_or("", |i| p.get(..=i).unwrap_or_default());
    clean(head)
}

/// `path.Ext`: from the last dot of the last element.
pub(crate) fn ext(p: &str) -> String {
    let last = p.rsplit('/').next().unwrap_or_default();
    last.rfind('.')
        .and_then(|i| last.get(i..))
        .unwrap_or_default()
        .to_string()
}

fn base_fn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::string(base(string(&a, 0)?)))
}

fn dir_fn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::string(dir(string(&a, 0)?)))
}

fn clean_fn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::string(clean(string(&a, 0)?)))
}

fn ext_fn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::string(ext(string(&a, 0)?)))
}

fn is_abs(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(string(&a, 0)?.starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_go() {
        assert_eq!(clean("a//b/./../c/"), "a/c");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("../../a/.."), "../..");
        assert_eq!(clean(""), ".");
        assert_eq!(base("/a/b/"), "b");
        assert_eq!(base("///"), "/");
        assert_eq!(base(""), ".");
        assert_eq!(dir("/a/b"), "/a");
        assert_eq!(dir("a"), ".");
        assert_eq!(dir("/"), "/");
        assert_eq!(ext("a/b.tar.gz"), ".gz");
        assert_eq!(ext("a.b/c"), "");
    }
}
