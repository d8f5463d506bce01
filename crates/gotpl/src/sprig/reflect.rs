//! Sprig's reflection functions (reflect.go, and `deepEqual`, Go's `reflect.DeepEqual`):
//! Go's `%T` type names and `reflect.Kind` names.

use super::{any, deep_equal, f, string};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::Value;

use Ty::{Any, String as S};

pub const FUNCS: &[Func] = &[
    f("typeOf", &[Any], None, type_of),
    f("typeIs", &[S, Any], None, type_is),
    f("typeIsLike", &[S, Any], None, type_is_like),
    f("kindOf", &[Any], None, kind_of),
    f("kindIs", &[S, Any], None, kind_is),
    f("deepEqual", &[Any, Any], None, deep_equal_fn),
];

fn type_of(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::string(any(&a, 0).type_name()))
}

fn type_is(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(string(&a, 0)? == any(&a, 1).type_name()))
}

/// `typeIsLike`: the type, or a pointer to it.
fn type_is_like(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (target, t) = (string(&a, 0)?, any(&a, 1).type_name());
    Ok(Value::Bool(
        t == target || t.strip_prefix('*') == Some(target),
    ))
}

fn kind_of(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(any(&a, 0).kind_name()))
}

fn kind_is(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(string(&a, 0)? == any(&a, 1).kind_name()))
}

fn deep_equal_fn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(deep_equal(&any(&a, 0), &any(&a, 1))))
}
