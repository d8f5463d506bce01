//! Sprig's numbers (numeric.go and the arithmetic in functions.go). Integer arithmetic casts
//! every operand with `cast.ToInt64` and returns int64, wrapping on overflow as Go does; the
//! `…f` functions go through shopspring/decimal (exact sums and products of the operands'
//! shortest decimal forms, quotients rounded to 16 places) and return float64.

use super::cast::{to_float64, to_int, to_int64};
use super::{any, f, int, rest};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::{Elem, List, Value};

use Ty::{Any, Float64, Int};

pub const FUNCS: &[Func] = &[
    f("int64", &[Any], None, int64),
    f("int", &[Any], None, int_fn),
    f("float64", &[Any], None, float64),
    f("seq", &[], Some(Int), seq),
    f("toDecimal", &[Any], None, to_decimal),
    f("until", &[Int], None, until),
    f("untilStep", &[Int, Int, Int], None, until_step),
    f("add1", &[Any], None, add1),
    f("add", &[], Some(Any), add),
    f("sub", &[Any, Any], None, sub),
    f("div", &[Any, Any], None, div),
    f("mod", &[Any, Any], None, modulo),
    f("mul", &[Any], Some(Any), mul),
    f("add1f", &[Any], None, add1f),
    f("addf", &[], Some(Any), addf),
    f("subf", &[Any], Some(Any), subf),
    f("divf", &[Any], Some(Any), divf),
    f("mulf", &[Any], Some(Any), mulf),
    f("biggest", &[Any], Some(Any), max),
    f("max", &[Any], Some(Any), max),
    f("min", &[Any], Some(Any), min),
    f("maxf", &[Any], Some(Any), maxf),
    f("minf", &[Any], Some(Any), minf),
    f("ceil", &[Any], None, ceil),
    f("floor", &[Any], None, floor),
    f("round", &[Any, Int], Some(Float64), round),
];

/// Longest list `until`, `untilStep` and `seq` build: Go would build any length and exhaust
/// memory; kforge stops with an error instead.
pub(crate) const MAX_ITEMS: usize = 1 << 22;

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

fn int64(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Int64(to_int64(&any(&a, 0))))
}

fn int_fn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Int(to_int(&any(&a, 0))))
}

fn float64(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Float(to_float64(&any(&a, 0))))
}

fn add1(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Int64(to_int64(&any(&a, 0)).wrapping_add(1)))
}

fn add(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let sum = a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v)));
    Ok(Value::Int64(sum))
}

fn sub(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (x, y) = (to_int64(&any(&a, 0)), to_int64(&any(&a, 1)));
    Ok(Value::Int64(x.wrapping_sub(y)))
}

fn div(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (x, y) = (to_int64(&any(&a, 0)), to_int64(&any(&a, 1)));
    if y == 0 {
        return Err(DIVIDE_BY_ZERO.into());
    }
    Ok(Value::Int64(x.wrapping_div(y)))
}

fn modulo(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (x, y) = (to_int64(&any(&a, 0)), to_int64(&any(&a, 1)));
    if y == 0 {
        return Err(DIVIDE_BY_ZERO.into());
    }
    Ok(Value::Int64(x.wrapping_rem(y)))
}

fn mul(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let product = rest(&a, 1).iter().fold(to_int64(&any(&a, 0)), |acc, v| {
        acc.wrapping_mul(to_int64(v))
    });
    Ok(Value::Int64(product))
}

fn max(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let first = to_int64(&any(&a, 0));
    Ok(Value::Int64(
        rest(&a, 1).iter().map(to_int64).fold(first, i64::max),
    ))
}

fn min(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let first = to_int64(&any(&a, 0));
    Ok(Value::Int64(
        rest(&a, 1).iter().map(to_int64).fold(first, i64::min),
    ))
}

/// Go's `math.Max`: NaN wins, +0 is above -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y { x } else { y }
}

/// Go's `math.Min`: NaN wins, -0 is below +0.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y { x } else { y }
}

fn maxf(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let first = to_float64(&any(&a, 0));
    Ok(Value::Float(
        rest(&a, 1).iter().map(to_float64).fold(first, go_max),
    ))
}

fn minf(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let first = to_float64(&any(&a, 0));
    Ok(Value::Float(
        rest(&a, 1).iter().map(to_float64).fold(first, go_min),
    ))
}

fn ceil(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Float(to_float64(&any(&a, 0)).ceil()))
}

fn floor(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Float(to_float64(&any(&a, 0)).floor()))
}

/// Sprig's `round`: the fraction of `value × 10^places` decides (at or above `roundOn`, 0.5
/// unless given) between ceiling and floor, so -2.5 rounds to -3.
fn round(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let val = to_float64(&any(&a, 0));
    let places = int(&a, 1)? as f64;
    let round_on = match a.get(2) {
        Some(Value::Float(r)) => *r,
        Some(other) => to_float64(other),
        None => 0.5,
    };
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit - digit.trunc();
    let rounded = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::Float(rounded / pow))
}

/// `strconv.ParseInt(fmt.Sprint(v), 8, 64)`, 0 on error.
fn to_decimal(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let text = super::sprint_v(&any(&a, 0));
    let (neg, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or_default()),
        Some(b'+') => (false, text.get(1..).unwrap_or_default()),
        _ => (false, text.as_str()),
    };
    let parsed = if !digits.is_empty() && digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        i128::from_str_radix(digits, 8).ok()
    } else {
        None
    };
    let value = parsed
        .map(|m| if neg { -m } else { m })
        .filter(|&m| i64::try_from(m).is_ok())
        .map_or(0, |m| m as i64);
    Ok(Value::Int64(value))
}

fn int_list(items: Vec<i64>) -> Value {
    Value::List(List {
        items: std::rc::Rc::new(std::cell::RefCell::new(
            items.into_iter().map(Value::Int).collect(),
        )),
        elem: Elem::Int,
        nil: false,
    })
}

/// Sprig's `untilStep`, bounded.
fn until_step_items(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, String> {
    let mut v = Vec::new();
    let mut push = |i: i64| {
        if v.len() >= MAX_ITEMS {
            return Err(format!(
                "the list would have more than kforge's limit of {MAX_ITEMS} items"
            ));
        }
        v.push(i);
        Ok(())
    };
    if stop < start {
        if step >= 0 {
            return Ok(v);
        }
        let mut i = start;
        while i > stop {
            push(i)?;
            i = i.wrapping_add(step);
        }
        return Ok(v);
    }
    if step <= 0 {
        return Ok(v);
    }
    let mut i = start;
    while i < stop {
        push(i)?;
        let Some(next) = i.checked_add(step) else {
            break;
        };
        i = next;
    }
    Ok(v)
}

fn until(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let count = int(&a, 0)?;
    let step = if count < 0 { -1 } else { 1 };
    Ok(int_list(until_step_items(0, count, step)?))
}

fn until_step(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (start, stop, step) = (int(&a, 0)?, int(&a, 1)?, int(&a, 2)?);
    Ok(int_list(until_step_items(start, stop, step)?))
}

fn seq(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let params = a
        .iter()
        .enumerate()
        .map(|(i, _)| int(&a, i))
        .collect::<Result<Vec<i64>, String>>()?;
    let items = match params.as_slice() {
        [end] => {
            let start = 1;
            let inc = if *end < start { -1 } else { 1 };
            until_step_items(start, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step_items(*start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if *step > 0 {
                    return Ok(Value::str(""));
                }
            }
            until_step_items(*start, end.wrapping_add(inc), *step)?
        }
        _ => Vec::new(),
    };
    let text: Vec<String> = items.iter().map(i64::to_string).collect();
    Ok(Value::string(text.join(" ")))
}

/// The `…f` functions: `a op b op c …` in decimal arithmetic, then the nearest float64.
fn decimal_op(first: &Value, others: &[Value], op: Op) -> Result<Value, String> {
    let mut acc = Decimal::from_float(to_float64(first))?;
    for x in others {
        let d = Decimal::from_float(to_float64(x))?;
        acc = acc.apply(op, &d)?;
    }
    Ok(Value::Float(acc.to_float()))
}

fn add1f(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    decimal_op(&any(&a, 0), &[Value::Int(1)], Op::Add)
}

fn addf(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    decimal_op(&Value::Float(0.0), &a, Op::Add)
}

fn subf(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    decimal_op(&any(&a, 0), rest(&a, 1), Op::Sub)
}

fn divf(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    decimal_op(&any(&a, 0), rest(&a, 1), Op::Div)
}

fn mulf(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    decimal_op(&any(&a, 0), rest(&a, 1), Op::Mul)
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// shopspring/decimal's `DivisionPrecision`.
const DIVISION_PRECISION: i32 = 16;

/// A decimal `mantissa × 10^exp`. Results too large for the mantissa fall back to float
/// arithmetic (float64's range is all the caller can return anyway).
#[derive(Clone, Copy, Debug)]
enum Decimal {
    Exact { mantissa: i128, exp: i32 },
    Approx(f64),
}

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as the float.
    fn from_float(x: f64) -> Result<Decimal, String> {
        if !x.is_finite() {
            return Err(format!(
                "Cannot create a Decimal from {}",
                crate::fmt::format_float(x, b'g', -1)
            ));
        }
        let sci = format!("{x:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let neg = mantissa.starts_with('-');
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let m: i128 = digits.parse().unwrap_or(0);
        Ok(Decimal::Exact {
            mantissa: if neg { -m } else { m },
            exp: exp - (digits.len() as i32 - 1),
        })
    }

    fn to_float(self) -> f64 {
        match self {
            Decimal::Exact { mantissa, exp } => format!("{mantissa}e{exp}").parse().unwrap_or(0.0),
            Decimal::Approx(f) => f,
        }
    }

    fn pow10(n: u32) -> Option<i128> {
        10i128.checked_pow(n)
    }

    fn apply(self, op: Op, other: &Decimal) -> Result<Decimal, String> {
        let (
            Decimal::Exact {
                mantissa: m1,
                exp: e1,
            },
            Decimal::Exact {
                mantissa: m2,
                exp: e2,
            },
        ) = (self, *other)
        else {
            return self.approx(op, other);
        };
        let exact = match op {
            Op::Add | Op::Sub => {
                let m2 = if matches!(op, Op::Sub) { -m2 } else { m2 };
                let e = e1.min(e2);
                let a = Self::pow10((e1 - e).unsigned_abs()).and_then(|p| m1.checked_mul(p));
                let b = Self::pow10((e2 - e).unsigned_abs()).and_then(|p| m2.checked_mul(p));
                a.zip(b)
                    .and_then(|(a, b)| a.checked_add(b))
                    .map(|m| Decimal::Exact {
                        mantissa: m,
                        exp: e,
                    })
            }
            Op::Mul => m1.checked_mul(m2).map(|m| Decimal::Exact {
                mantissa: m,
                exp: e1 + e2,
            }),
            Op::Div => {
                if m2 == 0 {
                    return Err("decimal division by 0".into());
                }
                // The quotient in units of 10^-16, rounded half away from zero.
                let k = e1 - e2 + DIVISION_PRECISION;
                let (num, den) = if k >= 0 {
                    (
                        Self::pow10(k.unsigned_abs()).and_then(|p| m1.checked_mul(p)),
                        Some(m2),
                    )
                } else {
                    (
                        Some(m1),
                        Self::pow10(k.unsigned_abs()).and_then(|p| m2.checked_mul(p)),
                    )
                };
                num.zip(den).map(|(num, den)| {
                    let mut q = num / den;
                    let r = num % den;
                    if r.unsigned_abs().saturating_mul(2) >= den.unsigned_abs() {
                        q += if (num < 0) != (den < 0) { -1 } else { 1 };
                    }
                    Decimal::Exact {
                        mantissa: q,
                        exp: -DIVISION_PRECISION,
                    }
                })
            }
        };
        match exact {
            Some(d) => Ok(d),
            None => self.approx(op, other),
        }
    }

    fn approx(self, op: Op, other: &Decimal) -> Result<Decimal, String> {
        let (x, y) = (self.to_float(), other.to_float());
        Ok(Decimal::Approx(match op {
            Op::Add => x + y,
            Op::Sub => x - y,
            Op::Mul => x * y,
            Op::Div => {
                if y == 0.0 {
                    return Err("decimal division by 0".into());
                }
                x / y
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
        let func = FUNCS.iter().find(|f| f.name == name).unwrap();
        (func.body)(&mut FuncEnv::default(), args)
    }

    fn float(name: &str, args: Vec<Value>) -> f64 {
        match call(name, args).unwrap() {
            Value::Float(f) => f,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decimal_functions_match_shopspring() {
        let n = |x: f64| Value::Float(x);
        assert_eq!(float("divf", vec![n(10.0), n(3.0)]), 3.3333333333333335);
        assert_eq!(float("addf", vec![n(0.1), n(0.2)]), 0.3);
        assert_eq!(float("mulf", vec![n(1.1), n(3.0)]), 3.3);
        assert_eq!(float("subf", vec![n(1.0), n(0.9)]), 0.1);
        assert_eq!(float("divf", vec![n(-2.0), n(3.0)]), -0.6666666666666667);
        assert_eq!(
            float("divf", vec![n(1.0), n(3.0), n(3.0)]),
            0.1111111111111111
        );
        assert_eq!(float("mulf", vec![n(1e300), n(1e300)]), f64::INFINITY);
        assert_eq!(
            call("divf", vec![n(1.0), n(0.0)]).unwrap_err(),
            "decimal division by 0"
        );
        assert_eq!(
            call("addf", vec![Value::str("inf"), n(1.0)]).unwrap_err(),
            "Cannot create a Decimal from +Inf"
        );
    }

    #[test]
    fn seq_matches_sprig() {
        let seq_of = |xs: &[i64]| {
            let args = xs.iter().map(|&x| Value::Int(x)).collect();
            call("seq", args).unwrap().as_str().unwrap().to_string()
        };
        assert_eq!(seq_of(&[5]), "1 2 3 4 5");
        assert_eq!(seq_of(&[-2]), "1 0 -1 -2");
        assert_eq!(seq_of(&[5, 2]), "5 4 3 2");
        assert_eq!(seq_of(&[0, 2, 10]), "0 2 4 6 8 10");
        assert_eq!(seq_of(&[10, -3, 1]), "10 7 4 1");
        assert_eq!(seq_of(&[1, 0, 5]), "");
        assert_eq!(seq_of(&[]), "");
    }

    #[test]
    fn round_and_to_decimal() {
        let n = |x: f64| Value::Float(x);
        assert_eq!(float("round", vec![n(2.555), Value::Int(2)]), 2.56);
        assert_eq!(float("round", vec![n(-2.5), Value::Int(0)]), -3.0);
        assert_eq!(float("round", vec![n(1.2345), Value::Int(2), n(0.3)]), 1.24);
        let dec = |v: Value| call("toDecimal", vec![v]).unwrap();
        assert!(matches!(dec(Value::str("0755")), Value::Int64(493)));
        assert!(matches!(dec(n(644.0)), Value::Int64(420)));
        assert!(matches!(dec(Value::str("8")), Value::Int64(0)));
    }
}
