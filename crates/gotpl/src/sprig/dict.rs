//! Sprig's dictionaries (dict.go). Maps are shared by reference: `set`, `unset`, `merge` and
//! `mergeOverwrite` change the map they are given, and every alias sees it. `merge` and
//! `mergeOverwrite` are dario.cat/mergo v1.0.1's `Merge` and `MergeWithOverwrite` on
//! `map[string]interface{}`. Go maps have no order; `keys` and `values` return key order where
//! Go's would vary from run to run.

use std::collections::BTreeMap;

use super::{any, f, is_empty, map, string, strval};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::{List, MapRef, Value};

use Ty::{Any, Map, String as S};

pub const FUNCS: &[Func] = &[
    f("dict", &[], Some(Any), dict),
    f("get", &[Map, S], None, get),
    f("set", &[Map, S, Any], None, set),
    f("unset", &[Map, S], None, unset),
    f("hasKey", &[Map, S], None, has_key),
    f("pluck", &[S], Some(Map), pluck),
    f("keys", &[], Some(Map), keys),
    f("pick", &[Map], Some(S), pick),
    f("omit", &[Map], Some(S), omit),
    f("merge", &[Map], Some(Map), merge),
    f("mergeOverwrite", &[Map], Some(Map), merge_overwrite),
    f("mustMerge", &[Map], Some(Map), merge),
    f("mustMergeOverwrite", &[Map], Some(Map), merge_overwrite),
    f("values", &[Map], None, values),
    f("deepCopy", &[Any], None, deep_copy),
    f("mustDeepCopy", &[Any], None, deep_copy),
    f("dig", &[], Some(Any), dig),
];

/// A nil map argument: reads see nothing; Go prints it as `map[]`.
fn map_or_empty(m: Option<MapRef>) -> Value {
    m.map_or_else(Value::empty_map, Value::Map)
}

fn dict(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut out = BTreeMap::new();
    for pair in a.chunks(2) {
        let key = pair.first().map(strval).unwrap_or_default();
        let value = pair.get(1).cloned().unwrap_or_else(|| Value::str(""));
        out.insert(key, value);
    }
    Ok(Value::map(out))
}

fn get(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (m, key) = (map(&a, 0)?, string(&a, 1)?);
    Ok(m.and_then(|m| m.borrow().get(key).cloned())
        .unwrap_or_else(|| Value::str("")))
}

fn set(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (m, key) = (map(&a, 0)?, string(&a, 1)?);
    let Some(m) = m else {
        return Err("assignment to entry in nil map".into());
    };
    m.borrow_mut().insert(key.to_string(), any(&a, 2));
    Ok(Value::Map(m))
}

fn unset(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (m, key) = (map(&a, 0)?, string(&a, 1)?);
    if let Some(m) = &m {
        m.borrow_mut().remove(key);
    }
    Ok(map_or_empty(m))
}

fn has_key(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (m, key) = (map(&a, 0)?, string(&a, 1)?);
    Ok(Value::Bool(m.is_some_and(|m| m.borrow().contains_key(key))))
}

fn pluck(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let key = string(&a, 0)?;
    let mut out = Vec::new();
    for i in 1..a.len() {
        if let Some(m) = map(&a, i)?
            && let Some(v) = m.borrow().get(key)
        {
            out.push(v.clone());
        }
    }
    Ok(Value::list(out))
}

fn keys(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut out = Vec::new();
    for i in 0..a.len() {
        if let Some(m) = map(&a, i)? {
            out.extend(m.borrow().keys().cloned());
        }
    }
    Ok(Value::str_list(out))
}

fn string_args(a: &[Value], from: usize) -> Result<Vec<&str>, String> {
    (from..a.len()).map(|i| string(a, i)).collect()
}

fn pick(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let m = map(&a, 0)?;
    let mut out = BTreeMap::new();
    if let Some(m) = m {
        let m = m.borrow();
        for k in string_args(&a, 1)? {
            if let Some(v) = m.get(k) {
                out.insert(k.to_string(), v.clone());
            }
        }
    }
    Ok(Value::map(out))
}

fn omit(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let m = map(&a, 0)?;
    let omitted = string_args(&a, 1)?;
    let out = m.map_or_else(BTreeMap::new, |m| {
        m.borrow()
            .iter()
            .filter(|(k, _)| !omitted.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    });
    Ok(Value::map(out))
}

fn values(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let m = map(&a, 0)?;
    let out = m.map_or_else(Vec::new, |m| m.borrow().values().cloned().collect());
    Ok(Value::list(out))
}

fn merge(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    merge_all(&a, false)
}

fn merge_overwrite(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    merge_all(&a, true)
}

/// Sprig's `merge`/`mergeOverwrite`: each source in turn merged into the first map, which is
/// returned. A nil first map becomes a new map once a non-nil source arrives (mergo sets it).
fn merge_all(a: &[Value], overwrite: bool) -> Result<Value, String> {
    let mut dst = map(a, 0)?;
    for i in 1..a.len() {
        let Some(src) = map(a, i)? else { continue };
        let target =
            dst.get_or_insert_with(|| std::rc::Rc::new(std::cell::RefCell::new(BTreeMap::new())));
        let mut budget = mergo::BUDGET;
        mergo::merge_map(target, &src, overwrite, 0, &mut budget)?;
    }
    Ok(map_or_empty(dst))
}

/// dario.cat/mergo v1.0.1's `deepMerge` for `map[string]interface{}` values.
mod mergo {
    use super::is_empty;
    use crate::value::{MapRef, Value};

    /// Go would recurse until its stack ran out on a map that contains itself.
    const MAX_DEPTH: usize = super::super::MAX_NESTING;
    /// Keys one merge may visit: maps shared through `set` are walked once per reference.
    pub(super) const BUDGET: usize = 1 << 22;

    pub(super) fn merge_map(
        dst: &MapRef,
        src: &MapRef,
        overwrite: bool,
        depth: usize,
        budget: &mut usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "merge: maps nested deeper than kforge's limit of {MAX_DEPTH}"
            ));
        }
        if std::rc::Rc::ptr_eq(dst, src) {
            // Merging a map into itself changes nothing (each key meets its own value).
            return Ok(());
        }
        let entries: Vec<(String, Value)> = src
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, src_el) in entries {
            if *budget == 0 {
                return Err(format!(
                    "merge: more than kforge's limit of {BUDGET} keys to merge"
                ));
            }
            *budget -= 1;
            let dst_el = dst.borrow().get(&key).cloned();
            if src_el.is_nil() {
                if overwrite {
                    dst.borrow_mut().insert(key, Value::Nil);
                }
                continue;
            }
            match &src_el {
                Value::Map(src_inner) => {
                    if let Some(Value::Map(dst_inner)) = &dst_el {
                        merge_map(dst_inner, src_inner, overwrite, depth + 1, budget)?;
                    }
                }
                Value::List(_) | Value::Bytes(_) => {
                    // mergo stores the destination's slice back (or an empty one of the
                    // source's type when there is none); the final step below may replace it.
                    let keep = match &dst_el {
                        None | Some(Value::Nil) => empty_like(&src_el),
                        Some(v) => v.clone(),
                    };
                    let stored = if overwrite { src_el.clone() } else { keep };
                    dst.borrow_mut().insert(key.clone(), stored);
                }
                _ => {}
            }
            // The destination's emptiness as it is now (a nested merge may have filled it).
            let dst_now_empty = dst_el.as_ref().is_none_or(|d| match d {
                Value::Map(m) => m.borrow().is_empty(),
                other => is_empty(other),
            });
            if dst_el.is_some() && !dst_now_empty {
                if matches!(src_el, Value::List(_) | Value::Bytes(_)) {
                    continue;
                }
                if matches!(src_el, Value::Map(_)) && matches!(dst_el, Some(Value::Map(_))) {
                    continue;
                }
            }
            if overwrite || dst_el.is_none() || dst_now_empty {
                dst.borrow_mut().insert(key, src_el);
            }
        }
        Ok(())
    }

    fn empty_like(v: &Value) -> Value {
        match v {
            Value::List(l) => Value::List(crate::value::List {
                items: std::rc::Rc::new(std::cell::RefCell::new(Vec::new())),
                elem: l.elem,
                nil: false,
            }),
            _ => Value::Bytes(std::rc::Rc::from(Vec::new())),
        }
    }
}

/// Values one `deepCopy` may create: shared maps are copied once per reference, so a few
/// `set`s can build a value whose copy would not fit in memory.
const COPY_BUDGET: usize = 1 << 22;

/// mitchellh/copystructure's `Copy`: maps and slices copied all the way down.
fn copy_value(v: &Value, depth: usize, budget: &mut usize) -> Result<Value, String> {
    if depth > super::MAX_NESTING {
        return Err(format!(
            "deepCopy: values nested deeper than kforge's limit of {}",
            super::MAX_NESTING
        ));
    }
    if *budget == 0 {
        return Err(format!(
            "deepCopy: the copy would hold more than kforge's limit of {COPY_BUDGET} values"
        ));
    }
    *budget -= 1;
    Ok(match v {
        Value::Map(m) => {
            let mut out = BTreeMap::new();
            for (k, item) in m.borrow().iter() {
                out.insert(k.clone(), copy_value(item, depth + 1, budget)?);
            }
            Value::map(out)
        }
        Value::List(l) => {
            let items = l
                .items
                .borrow()
                .iter()
                .map(|item| copy_value(item, depth + 1, budget))
                .collect::<Result<Vec<_>, _>>()?;
            Value::List(List {
                items: std::rc::Rc::new(std::cell::RefCell::new(items)),
                elem: l.elem,
                nil: l.nil,
            })
        }
        Value::Bytes(b) => Value::Bytes(std::rc::Rc::from(b.to_vec())),
        other => other.clone(),
    })
}

const COPY_NIL: &str = "reflect: call of reflect.Value.Type on zero Value";

/// `deepCopy` and `mustDeepCopy`: copystructure panics on nil itself, before Sprig can wrap
/// the error, so both report reflect's message.
fn deep_copy(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let v = any(&a, 0);
    if v.is_nil() {
        return Err(COPY_NIL.into());
    }
    let mut budget = COPY_BUDGET;
    copy_value(&v, 0, &mut budget)
}

/// Go's message for a failed `x.(T)` on an interface value.
fn conversion_error(v: &Value, want: &str) -> String {
    let got = match v {
        Value::Nil => "nil".to_string(),
        other => other.type_name(),
    };
    format!("interface conversion: interface {{}} is {got}, not {want}")
}

/// `dig k1 k2 … default dict`: the value down the path of keys, or the default where a key is
/// missing.
fn dig(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    if a.len() < 3 {
        return Err("dig needs at least three arguments".into());
    }
    let (path, tail) = a.split_at(a.len() - 2);
    let (default, dict) = (tail.first().cloned().unwrap_or_default(), any(tail, 1));
    let Value::Map(mut current) = dict else {
        return Err(conversion_error(&dict, "map[string]interface {}"));
    };
    let keys = path
        .iter()
        .map(|k| match k {
            Value::Str(s) => Ok(s.to_string()),
            other => Err(conversion_error(other, "string")),
        })
        .collect::<Result<Vec<String>, String>>()?;
    let mut remaining = keys.iter().peekable();
    while let Some(key) = remaining.next() {
        let step = current.borrow().get(key).cloned();
        let Some(step) = step else {
            return Ok(default);
        };
        if remaining.peek().is_none() {
            return Ok(step);
        }
        match step {
            Value::Map(next) => current = next,
            other => return Err(conversion_error(&other, "map[string]interface {}")),
        }
    }
    Ok(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
        let func = FUNCS.iter().find(|f| f.name == name).unwrap();
        (func.body)(&mut FuncEnv::default(), args)
    }

    fn d(entries: &[(&str, Value)]) -> Value {
        Value::map(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn shown(v: &Value) -> String {
        super::super::sprint_v(v)
    }

    #[test]
    fn merge_fills_only_empty_keys_in_place() {
        let dst = d(&[
            ("a", d(&[("x", Value::Int(1))])),
            ("l", Value::list(vec![Value::Int(1)])),
            ("e", Value::str("")),
            ("z", Value::Int(0)),
        ]);
        let src = d(&[
            ("a", d(&[("x", Value::Int(2)), ("y", Value::Int(3))])),
            ("l", Value::list(vec![Value::Int(2)])),
            ("e", Value::str("new")),
            ("z", Value::Int(5)),
            ("n", Value::Nil),
            ("m", d(&[("q", Value::Int(1))])),
        ]);
        let out = call("merge", vec![dst.clone(), src]).unwrap();
        assert!(out.same_ref(&dst));
        assert_eq!(
            shown(&dst),
            "map[a:map[x:1 y:3] e:new l:[1] m:map[q:1] z:5]"
        );
    }

    #[test]
    fn merge_overwrite_replaces_everything_but_merges_maps() {
        let dst = d(&[
            ("a", d(&[("x", Value::Int(1))])),
            ("l", Value::list(vec![Value::Int(1)])),
            ("e", Value::str("")),
            ("s", Value::str("str")),
            ("k", Value::str("v")),
        ]);
        let src = d(&[
            ("a", d(&[("y", Value::Int(2))])),
            ("l", Value::list(vec![])),
            ("s", d(&[("m", Value::Int(1))])),
            ("k", Value::Nil),
            ("e", Value::str("")),
        ]);
        call("mergeOverwrite", vec![dst.clone(), src]).unwrap();
        assert_eq!(
            shown(&dst),
            "map[a:map[x:1 y:2] e: k:<nil> l:[] s:map[m:1]]"
        );
    }

    #[test]
    fn dig_walks_and_reports_go_conversions() {
        let tree = d(&[("a", d(&[("b", Value::Nil)]))]);
        let dig_of = |path: &[&str], dict: Value| {
            let mut args: Vec<Value> = path.iter().map(|p| Value::str(p)).collect();
            args.push(Value::str("dflt"));
            args.push(dict);
            call("dig", args)
        };
        assert!(dig_of(&["a", "b"], tree.clone()).unwrap().is_nil());
        assert_eq!(
            dig_of(&["a", "x", "y"], tree.clone()).unwrap().as_str(),
            Some("dflt")
        );
        assert_eq!(
            dig_of(&["a", "b", "d"], tree).unwrap_err(),
            "interface conversion: interface {} is nil, not map[string]interface {}"
        );
        assert_eq!(
            dig_of(&["a"], Value::str("x")).unwrap_err(),
            "interface conversion: interface {} is string, not map[string]interface {}"
        );
    }

    #[test]
    fn cyclic_maps_end() {
        let a = d(&[]);
        let b = d(&[]);
        call("set", vec![a.clone(), Value::str("x"), a.clone()]).unwrap();
        call("set", vec![b.clone(), Value::str("x"), b.clone()]).unwrap();
        assert!(super::super::deep_equal(&a, &b));
        assert!(matches!(
            call("deepCopy", vec![a.clone()]),
            Err(e) if e == "deepCopy: values nested deeper than kforge's limit of 200"
        ));
        assert!(matches!(
            call("merge", vec![b.clone(), a.clone()]),
            Err(e) if e == "merge: maps nested deeper than kforge's limit of 200"
        ));
        assert_eq!(
            call("deepCopy", vec![Value::Nil]).unwrap_err(),
            "reflect: call of reflect.Value.Type on zero Value"
        );
        // Break the cycles so the maps are freed.
        call("unset", vec![a, Value::str("x")]).unwrap();
        call("unset", vec![b, Value::str("x")]).unwrap();
    }

    #[test]
    fn set_on_a_nil_map_fails_as_go() {
        assert_eq!(
            call("set", vec![Value::Nil, Value::str("a"), Value::Int(1)]).unwrap_err(),
            "assignment to entry in nil map"
        );
    }
}
