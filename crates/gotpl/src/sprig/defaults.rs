//! Sprig's defaults and flow control (defaults.go, `fail` in functions.go). "Empty" is Sprig's
//! `empty`: 0, 0.0, "", false, nil and empty lists and maps are empty; the string "0" is not.
//! Sprig's JSON functions listed in defaults.go live in [`crate::encode`].

use super::{any, boolean, f, is_empty, string};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::Value;

use Ty::{Any, Bool, String as S};

pub const FUNCS: &[Func] = &[
    f("default", &[Any], Some(Any), default),
    f("empty", &[Any], None, empty),
    f("coalesce", &[], Some(Any), coalesce),
    f("all", &[], Some(Any), all),
    f("any", &[], Some(Any), any_fn),
    f("ternary", &[Any, Any, Bool], None, ternary),
    f("fail", &[S], None, fail),
];

/// `default d given…`: the first given value unless it is empty (only the first counts).
fn default(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    match a.get(1) {
        Some(given) if !is_empty(given) => Ok(given.clone()),
        _ => Ok(any(&a, 0)),
    }
}

fn empty(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(is_empty(&any(&a, 0))))
}

fn coalesce(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(a.into_iter().find(|v| !is_empty(v)).unwrap_or_default())
}

fn all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
}

fn any_fn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
}

fn ternary(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(if boolean(&a, 2)? {
        any(&a, 0)
    } else {
        any(&a, 1)
    })
}

/// `fail msg`: the template stops with `msg` (Helm words it as an execution error).
fn fail(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Err(string(&a, 0)?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Value>) -> Value {
        let func = FUNCS.iter().find(|f| f.name == name).unwrap();
        (func.body)(&mut FuncEnv::default(), args).unwrap()
    }

    #[test]
    fn default_uses_sprig_emptiness() {
        let d = |given: Vec<Value>| {
            let mut args = vec![Value::str("d")];
            args.extend(given);
            super::super::strval(&call("default", args))
        };
        assert_eq!(d(vec![]), "d");
        assert_eq!(d(vec![Value::str("")]), "d");
        assert_eq!(d(vec![Value::str("0")]), "0");
        assert_eq!(d(vec![Value::Float(0.0)]), "d");
        assert_eq!(d(vec![Value::Int64(0)]), "d");
        assert_eq!(d(vec![Value::list(vec![])]), "d");
        assert_eq!(d(vec![Value::empty_map()]), "d");
        assert_eq!(d(vec![Value::Bool(false)]), "d");
        assert_eq!(d(vec![Value::Nil]), "d");
        assert_eq!(d(vec![Value::str("x"), Value::str("y")]), "x");
        assert_eq!(d(vec![Value::str(""), Value::str("y")]), "d");
    }

    #[test]
    fn coalesce_all_any() {
        assert_eq!(
            call(
                "coalesce",
                vec![Value::Int(0), Value::str(""), Value::str("x")]
            )
            .as_str(),
            Some("x")
        );
        assert!(call("coalesce", vec![]).is_nil());
        assert!(matches!(call("all", vec![]), Value::Bool(true)));
        assert!(matches!(call("any", vec![]), Value::Bool(false)));
        assert!(matches!(
            call("all", vec![Value::Int(1), Value::str("")]),
            Value::Bool(false)
        ));
    }
}
