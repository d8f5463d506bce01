//! Sprig's list functions (list.go). They take any slice through reflection and build a new
//! `[]interface{}`; the plain and `must…` variants fail alike (the plain ones panic with the
//! same error, which the template reports). A nil argument is Go's `reflect.TypeOf(nil).Kind()`,
//! a nil-pointer panic.

use super::{any, deep_equal, f, int, is_empty, rest, slice_items};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::{List, Value};

use Ty::{Any, Int};

pub const FUNCS: &[Func] = &[
    f("tuple", &[], Some(Any), list),
    f("list", &[], Some(Any), list),
    f("append", &[Any, Any], None, push),
    f("push", &[Any, Any], None, push),
    f("mustAppend", &[Any, Any], None, push),
    f("mustPush", &[Any, Any], None, push),
    f("prepend", &[Any, Any], None, prepend),
    f("mustPrepend", &[Any, Any], None, prepend),
    f("first", &[Any], None, first),
    f("mustFirst", &[Any], None, first),
    f("rest", &[Any], None, rest_fn),
    f("mustRest", &[Any], None, rest_fn),
    f("last", &[Any], None, last),
    f("mustLast", &[Any], None, last),
    f("initial", &[Any], None, initial),
    f("mustInitial", &[Any], None, initial),
    f("reverse", &[Any], None, reverse),
    f("mustReverse", &[Any], None, reverse),
    f("uniq", &[Any], None, uniq),
    f("mustUniq", &[Any], None, uniq),
    f("without", &[Any], Some(Any), without),
    f("mustWithout", &[Any], Some(Any), without),
    f("has", &[Any, Any], None, has),
    f("mustHas", &[Any, Any], None, has),
    f("slice", &[Any], Some(Any), slice),
    f("mustSlice", &[Any], Some(Any), slice),
    f("concat", &[], Some(Any), concat),
    f("chunk", &[Int, Any], None, chunk),
    f("mustChunk", &[Int, Any], None, chunk),
    f("compact", &[Any], None, compact),
    f("mustCompact", &[Any], None, compact),
];

pub(crate) const NIL_DEREFERENCE: &str =
    "runtime error: invalid memory address or nil pointer dereference";

/// The items of a list argument, or Sprig's error for a value of another kind.
fn items_or(v: &Value, what: impl FnOnce(&str) -> String) -> Result<Vec<Value>, String> {
    if v.is_nil() {
        return Err(NIL_DEREFERENCE.into());
    }
    slice_items(v).ok_or_else(|| what(v.kind_name()))
}

fn list(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::list(a))
}

fn push(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut items = items_or(&any(&a, 0), |k| format!("Cannot push on type {k}"))?;
    items.push(any(&a, 1));
    Ok(Value::list(items))
}

fn prepend(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut items = items_or(&any(&a, 0), |k| format!("Cannot prepend on type {k}"))?;
    items.insert(0, any(&a, 1));
    Ok(Value::list(items))
}

fn first(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let items = items_or(&any(&a, 0), |k| format!("Cannot find first on type {k}"))?;
    Ok(items.into_iter().next().unwrap_or_default())
}

fn last(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let items = items_or(&any(&a, 0), |k| format!("Cannot find last on type {k}"))?;
    Ok(items.into_iter().next_back().unwrap_or_default())
}

fn rest_fn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let items = items_or(&any(&a, 0), |k| format!("Cannot find rest on type {k}"))?;
    if items.is_empty() {
        return Ok(Value::nil_list());
    }
    Ok(Value::list(items.into_iter().skip(1).collect()))
}

fn initial(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut items = items_or(&any(&a, 0), |k| format!("Cannot find initial on type {k}"))?;
    if items.pop().is_none() {
        return Ok(Value::nil_list());
    }
    Ok(Value::list(items))
}

fn reverse(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut items = items_or(&any(&a, 0), |k| format!("Cannot find reverse on type {k}"))?;
    items.reverse();
    Ok(Value::list(items))
}

fn in_list(haystack: &[Value], needle: &Value) -> bool {
    haystack.iter().any(|h| deep_equal(needle, h))
}

fn uniq(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let items = items_or(&any(&a, 0), |k| format!("Cannot find uniq on type {k}"))?;
    let mut dest: Vec<Value> = Vec::new();
    for item in items {
        if !in_list(&dest, &item) {
            dest.push(item);
        }
    }
    Ok(Value::list(dest))
}

fn without(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let items = items_or(&any(&a, 0), |k| format!("Cannot find without on type {k}"))?;
    let omit = rest(&a, 1);
    Ok(Value::list(
        items.into_iter().filter(|i| !in_list(omit, i)).collect(),
    ))
}

fn has(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (needle, haystack) = (any(&a, 0), any(&a, 1));
    if haystack.is_nil() {
        return Ok(Value::Bool(false));
    }
    let items = items_or(&haystack, |k| format!("Cannot find has on type {k}"))?;
    Ok(Value::Bool(in_list(&items, &needle)))
}

/// `slice list [start [end]]`: a sub-slice of the same type; nil for an empty list.
fn slice(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let v = any(&a, 0);
    let items = items_or(&v, |k| {
        format!("list should be type of slice or array but {k}")
    })?;
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    let indices = rest(&a, 1);
    let start = indices.first().map_or(0, super::cast::to_int);
    let end = match indices.get(1) {
        Some(e) => super::cast::to_int(e),
        None => items.len() as i64,
    };
    // reflect's Slice bounds against the capacity, which equals the length for our lists.
    if start < 0 || end < start || end > items.len() as i64 {
        return Err("reflect.Value.Slice: slice index out of bounds".into());
    }
    let part: Vec<Value> = items
        .get(start as usize..end as usize)
        .unwrap_or_default()
        .to_vec();
    Ok(match v {
        Value::List(l) => Value::List(List {
            items: std::rc::Rc::new(std::cell::RefCell::new(part)),
            elem: l.elem,
            nil: false,
        }),
        _ => Value::Bytes(
            part.iter()
                .map(|x| match x {
                    Value::Uint(u) => *u as u8,
                    Value::Uint8(u) => *u,
                    _ => 0,
                })
                .collect::<Vec<u8>>()
                .into(),
        ),
    })
}

fn concat(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut out = Vec::new();
    for v in &a {
        out.extend(items_or(v, |k| format!("Cannot concat type {k} as list"))?);
    }
    // Sprig appends to a nil slice: nothing appended leaves it nil.
    if out.is_empty() {
        return Ok(Value::nil_list());
    }
    Ok(Value::list(out))
}

/// `chunk size list`: lists of `size` items, the last one shorter.
fn chunk(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let size = int(&a, 0)?;
    let items = items_or(&any(&a, 1), |k| format!("Cannot chunk type {k}"))?;
    let l = items.len() as i64;
    // Sprig computes the count in floats: a size of 0 or less gives a count Go cannot
    // allocate (or, for a negative size, chunks it cannot index).
    let count = ((l - 1) as f64 / size as f64).floor() + 1.0;
    let count = super::cast::float_to_int(count);
    if count == 0 {
        return Ok(Value::list(Vec::new()));
    }
    if count < 0 || size <= 0 {
        return Err("runtime error: makeslice: len out of range".into());
    }
    let chunks: Vec<Value> = items
        .chunks(size as usize)
        .map(|c| Value::list(c.to_vec()))
        .collect();
    Ok(Value::list(chunks))
}

fn compact(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let items = items_or(&any(&a, 0), |k| format!("Cannot compact on type {k}"))?;
    Ok(Value::list(
        items.into_iter().filter(|i| !is_empty(i)).collect(),
    ))
}
