//! Sprig's random functions (`randAlphaNum`, `uuidv4`, …) drawing from the run's seeded generator
//! ([`FuncEnv::rng`]) instead of the operating system's: one seed gives one output, so a render is
//! reproducible. The alphabets, lengths and formats are Sprig v3.3.0's (goutils' `CryptoRandom*`,
//! xstrings' `Shuffle`, google/uuid's `New`); only the source of randomness differs.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{DecodeError, Engine as _};

use crate::func::{Func, FuncEnv, Signature, Ty};
use crate::value::Value;

/// The most characters or bytes one call makes. Go would try to allocate whatever it is asked
/// for; a template must not make kforge allocate gigabytes.
pub const MAX_RANDOM_LEN: i64 = 1 << 20;

const INT: Signature = Signature {
    params: &[Ty::Int],
    variadic: None,
};

pub const FUNCS: &[Func] = &[
    Func {
        name: "randAlphaNum",
        sig: INT,
        body: rand_alpha_num,
    },
    Func {
        name: "randAlpha",
        sig: INT,
        body: rand_alpha,
    },
    Func {
        name: "randNumeric",
        sig: INT,
        body: rand_numeric,
    },
    Func {
        name: "randAscii",
        sig: INT,
        body: rand_ascii,
    },
    Func {
        name: "randBytes",
        sig: INT,
        body: rand_bytes,
    },
    Func {
        name: "randInt",
        sig: Signature {
            params: &[Ty::Int, Ty::Int],
            variadic: None,
        },
        body: rand_int,
    },
    Func {
        name: "shuffle",
        sig: Signature {
            params: &[Ty::String],
            variadic: None,
        },
        body: shuffle,
    },
    Func {
        name: "uuidv4",
        sig: Signature {
            params: &[],
            variadic: None,
        },
        body: uuidv4,
    },
];

const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// An integer argument (the executor converts to Go's `int`; an `int64` is accepted too).
pub(crate) fn int_arg(args: &[Value], i: usize) -> Result<i64, String> {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => Ok(*n),
        Some(Value::Uint(n)) => i64::try_from(*n).map_err(|_| format!("integer {n} out of range")),
        Some(Value::Uint8(n)) => Ok(i64::from(*n)),
        Some(v) => Err(format!(
            "wrong type for value; expected int; got {}",
            v.type_name()
        )),
        None => Err("missing argument".into()),
    }
}

pub(crate) fn str_arg(args: &[Value], i: usize) -> Result<&str, String> {
    match args.get(i) {
        Some(Value::Str(s)) => Ok(s),
        Some(v) => Err(format!(
            "wrong type for value; expected string; got {}",
            v.type_name()
        )),
        None => Err("missing argument".into()),
    }
}

/// A length for a random string: goutils returns an error (which Sprig drops, giving "") for a
/// negative count.
fn count_arg(args: &[Value], what: &str) -> Result<Option<usize>, String> {
    let n = int_arg(args, 0)?;
    if n > MAX_RANDOM_LEN {
        return Err(format!(
            "kforge: {what} {n} is over the limit of {MAX_RANDOM_LEN}"
        ));
    }
    Ok(usize::try_from(n).ok())
}

/// `count` characters drawn uniformly from `alphabet`. goutils draws from a wider range and
/// rejects what does not fit, which is the same uniform distribution.
fn random_string(env: &mut FuncEnv, args: &[Value], alphabet: &[u8]) -> Result<Value, String> {
    let Some(count) = count_arg(args, "random string length")? else {
        return Ok(Value::str(""));
    };
    let len = alphabet.len() as u64;
    let s: String = (0..count)
        .map(|_| {
            let i = env.rng.below(len) as usize;
            alphabet.get(i).copied().unwrap_or(b'0') as char
        })
        .collect();
    Ok(Value::string(s))
}

fn rand_alpha_num(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    random_string(env, &args, ALNUM)
}

fn rand_alpha(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    random_string(env, &args, LETTERS)
}

fn rand_numeric(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    random_string(env, &args, DIGITS)
}

/// `randAscii`: printable ASCII, space (32) to `~` (126).
fn rand_ascii(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let Some(count) = count_arg(&args, "random string length")? else {
        return Ok(Value::str(""));
    };
    let s: String = (0..count)
        .map(|_| char::from(32 + env.rng.below(95) as u8))
        .collect();
    Ok(Value::string(s))
}

/// `count` bytes from the run's generator.
pub fn random_bytes(env: &mut FuncEnv, count: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(count + 8);
    while out.len() < count {
        out.extend_from_slice(&env.rng.next_u64().to_le_bytes());
    }
    out.truncate(count);
    out
}

/// `randBytes`: base64 of `count` random bytes. A negative count panics in Go (`make`), which the
/// template engine reports as the call's error.
fn rand_bytes(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let Some(count) = count_arg(&args, "randBytes count")? else {
        return Err("runtime error: makeslice: len out of range".into());
    };
    let bytes = random_bytes(env, count);
    Ok(Value::string(base64_std(&bytes)))
}

/// `randInt min max`: `rand.Intn(max-min) + min`, which panics unless `max > min`.
fn rand_int(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let min = int_arg(&args, 0)?;
    let max = int_arg(&args, 1)?;
    let span = max.wrapping_sub(min);
    if span <= 0 {
        return Err("invalid argument to Intn".into());
    }
    let r = env.rng.below(span as u64) as i64;
    Ok(Value::Int(r.wrapping_add(min)))
}

/// `shuffle`: xstrings' Fisher–Yates over the string's runes.
fn shuffle(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let mut runes: Vec<char> = str_arg(&args, 0)?.chars().collect();
    for i in (1..runes.len()).rev() {
        let j = env.rng.below(i as u64 + 1) as usize;
        runes.swap(i, j);
    }
    Ok(Value::string(runes.into_iter().collect()))
}

/// `uuidv4`: 16 random bytes with the version (4) and variant (RFC 4122) bits set, printed
/// lower-case as 8-4-4-4-12 hex digits.
fn uuidv4(env: &mut FuncEnv, _args: Vec<Value>) -> Result<Value, String> {
    let mut b = random_bytes(env, 16);
    if let Some(x) = b.get_mut(6) {
        *x = (*x & 0x0f) | 0x40;
    }
    if let Some(x) = b.get_mut(8) {
        *x = (*x & 0x3f) | 0x80;
    }
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{byte:02x}"));
    }
    Ok(Value::string(s))
}

/// Go's `base64.StdEncoding`: padding written and required, stray bits in the last symbol
/// accepted (Go's decoder is not strict).
const GO_STD_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// `base64.StdEncoding.EncodeToString`.
pub(crate) fn base64_std(data: &[u8]) -> String {
    GO_STD_BASE64.encode(data)
}

/// `base64.StdEncoding.DecodeString` (which skips `\r` and `\n`), the error in Go's words.
pub(crate) fn base64_std_decode(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|&c| c != '\r' && c != '\n').collect();
    GO_STD_BASE64.decode(compact.as_bytes()).map_err(|e| {
        let at = match e {
            DecodeError::InvalidByte(i, _) | DecodeError::InvalidLastSymbol(i, _) => i,
            DecodeError::InvalidLength(n) => n,
            DecodeError::InvalidPadding => compact.find('=').unwrap_or(compact.len()),
        };
        format!("illegal base64 data at input byte {at}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: &str, env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
        let func = FUNCS.iter().find(|x| x.name == f).unwrap();
        (func.body)(env, args)
    }

    fn s(v: Result<Value, String>) -> String {
        v.unwrap().as_str().unwrap().to_string()
    }

    #[test]
    fn alphabets_and_lengths() {
        let mut env = FuncEnv::default();
        let x = s(call("randAlphaNum", &mut env, vec![Value::Int(500)]));
        assert_eq!(x.len(), 500);
        assert!(x.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert!(x.bytes().any(|c| c.is_ascii_digit()));
        assert!(x.bytes().any(|c| c.is_ascii_uppercase()));
        let x = s(call("randAlpha", &mut env, vec![Value::Int(300)]));
        assert!(x.len() == 300 && x.bytes().all(|c| c.is_ascii_alphabetic()));
        let x = s(call("randNumeric", &mut env, vec![Value::Int(300)]));
        assert!(x.len() == 300 && x.bytes().all(|c| c.is_ascii_digit()));
        let x = s(call("randAscii", &mut env, vec![Value::Int(2000)]));
        assert!(x.len() == 2000 && x.bytes().all(|c| (32..=126).contains(&c)));
        assert!(x.contains(' ') && x.contains('~'));
        assert_eq!(s(call("randAlpha", &mut env, vec![Value::Int(0)])), "");
        assert_eq!(s(call("randAlpha", &mut env, vec![Value::Int(-3)])), "");
        assert_eq!(
            call("randAlpha", &mut env, vec![Value::Int(1 << 40)]).unwrap_err(),
            "kforge: random string length 1099511627776 is over the limit of 1048576"
        );
    }

    #[test]
    fn same_seed_same_output_other_seed_other_output() {
        let run = |seed| {
            let mut env = FuncEnv {
                rng: crate::func::Rng::new(seed),
                ..FuncEnv::default()
            };
            (
                s(call("randAlphaNum", &mut env, vec![Value::Int(16)])),
                s(call("uuidv4", &mut env, vec![])),
            )
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7).0, run(8).0);
        assert_ne!(run(7).1, run(8).1);
    }

    #[test]
    fn uuid_format() {
        let mut env = FuncEnv::default();
        for _ in 0..50 {
            let u = s(call("uuidv4", &mut env, vec![]));
            let b = u.as_bytes();
            assert_eq!(u.len(), 36);
            for (i, c) in b.iter().enumerate() {
                if matches!(i, 8 | 13 | 18 | 23) {
                    assert_eq!(*c, b'-');
                } else {
                    assert!(c.is_ascii_hexdigit() && !c.is_ascii_uppercase(), "{u}");
                }
            }
            assert_eq!(b[14], b'4');
            assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'), "{u}");
        }
    }

    #[test]
    fn rand_int_range_and_error() {
        let mut env = FuncEnv::default();
        for _ in 0..200 {
            let Value::Int(n) =
                call("randInt", &mut env, vec![Value::Int(-3), Value::Int(4)]).unwrap()
            else {
                panic!()
            };
            assert!((-3..4).contains(&n));
        }
        assert_eq!(
            call("randInt", &mut env, vec![Value::Int(4), Value::Int(4)]).unwrap_err(),
            "invalid argument to Intn"
        );
    }

    #[test]
    fn shuffle_keeps_runes() {
        let mut env = FuncEnv::default();
        let x = s(call("shuffle", &mut env, vec![Value::str("héllo wörld")]));
        let mut a: Vec<char> = x.chars().collect();
        let mut b: Vec<char> = "héllo wörld".chars().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert_eq!(s(call("shuffle", &mut env, vec![Value::str("")])), "");
    }

    #[test]
    fn rand_bytes_is_base64_of_count_bytes() {
        let mut env = FuncEnv::default();
        let x = s(call("randBytes", &mut env, vec![Value::Int(10)]));
        assert_eq!(x.len(), 16);
        assert_eq!(base64_std_decode(&x).unwrap().len(), 10);
        assert_eq!(
            call("randBytes", &mut env, vec![Value::Int(-1)]).unwrap_err(),
            "runtime error: makeslice: len out of range"
        );
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_std(b""), "");
        assert_eq!(base64_std(b"f"), "Zg==");
        assert_eq!(base64_std(b"fo"), "Zm8=");
        assert_eq!(base64_std(b"foobar"), "Zm9vYmFy");
        for n in 0..20 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base64_std_decode(&base64_std(&data)).unwrap(), data);
        }
        assert_eq!(
            base64_std_decode("Zm8=\nZm8=").unwrap_err(),
            "illegal base64 data at input byte 3"
        );
        assert_eq!(base64_std_decode("Zm\n8=").unwrap(), b"fo");
        assert_eq!(base64_std_decode("Zh==").unwrap(), b"f");
        assert_eq!(
            base64_std_decode("Z!==").unwrap_err(),
            "illegal base64 data at input byte 1"
        );
    }
}
