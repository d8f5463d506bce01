//! What a function call costs in the executor's work units ([`crate::exec::Limits::fuel`]),
//! beyond the one unit every call pays and the unit per 64 bytes of any string it returns.
//!
//! Most functions do work in proportion to what they return, which the executor already charges.
//! The ones here do not: key derivation and signing (a fixed, large cost for a short string),
//! scans that answer with a bool or a hash, regular expressions (input times pattern size), and
//! everything that walks a value deeply (encoders, printing, copies, deep comparison). A walk is
//! the dangerous one: lists and maps are shared by reference, so `$x = list $x $x` forty times
//! is a value of 2^40 nodes held in 40 lists, and printing it would run for hours. So the cost is
//! computed and charged *before* the body runs, and a deep size is counted only up to the fuel
//! that remains: a hostile call ends with the usual limit error without doing its work.
//!
//! A unit is about 100 ns of work (what walking one template node costs in a release build), so
//! the default fuel is some tens of seconds of work and the fuzzer's is a fraction of a second.
//! Figures below were measured in a release build on a loaded 2-core machine and rounded up.

use crate::value::Value;

/// Units of one `derivePassword` (scrypt with N=32768, r=8, p=2: about half a second).
pub const DERIVE_PASSWORD: u64 = 5_000_000;
/// Units of one bcrypt hash at Sprig's cost 10 (`bcrypt`, `htpasswd`: about 0.2 s).
pub const BCRYPT: u64 = 2_000_000;
/// Units of a certificate signed with an embedded RSA-2048 key (`genCA`, `genSelfSignedCert`,
/// `genSignedCert`: 5 to 10 ms with the certificate's encoding).
pub const SIGN_RSA_2048: u64 = 100_000;
/// Units of generating a P-256 key (`genPrivateKey "ecdsa"`: a scalar multiplication, ~2.5 ms).
pub const GEN_ECDSA: u64 = 25_000;

/// How a function's call is charged, decided once per function name ([`kind`]) so that a call
/// does not match its name against every list below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    before: Before,
    builds: Builds,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Before {
    Free,
    Fixed(u64),
    GenPrivateKey,
    GenSignedCert,
    GenCaWithKey,
    GenSelfSignedCertWithKey,
    GenSignedCertWithKey,
    Cipher,
    Hash,
    Scan,
    Regex,
    Uniq,
    Without,
    Deep,
}

/// What a result costs: the functions that build a new list or map pay per item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Builds {
    Nothing,
    List,
    Map,
}

/// The charges of the function `name`.
pub fn kind(name: &str) -> Kind {
    let before = match name {
        "derivePassword" => Before::Fixed(DERIVE_PASSWORD),
        "bcrypt" | "htpasswd" => Before::Fixed(BCRYPT),
        "genPrivateKey" => Before::GenPrivateKey,
        "genCA" | "genSelfSignedCert" => Before::Fixed(SIGN_RSA_2048),
        "genSignedCert" => Before::GenSignedCert,
        // The key is the caller's: signing costs the cube of its size (a 16384-bit RSA key in a
        // values file would take seconds per call).
        "genCAWithKey" => Before::GenCaWithKey,
        "genSelfSignedCertWithKey" => Before::GenSelfSignedCertWithKey,
        "genSignedCertWithKey" => Before::GenSignedCertWithKey,
        "buildCustomCert" | "encryptAES" | "decryptAES" => Before::Cipher,
        "sha1sum" | "sha256sum" | "sha512sum" | "adler32sum" => Before::Hash,
        "contains" | "hasPrefix" | "hasSuffix" | "atoi" | "int" | "int64" | "float64"
        | "toDecimal" | "semver" | "semverCompare" | "fromYaml" | "fromYamlArray" | "fromJson"
        | "fromJsonArray" | "mustFromJson" | "fromToml" | "split" | "splitList" | "splitn"
        | "eq" | "ne" | "lt" | "le" | "gt" | "ge" => Before::Scan,
        "regexQuoteMeta" => Before::Scan,
        _ if is_regex(name) => Before::Regex,
        "uniq" | "mustUniq" => Before::Uniq,
        "without" | "mustWithout" => Before::Without,
        _ if walks_deeply(name) => Before::Deep,
        _ => Before::Free,
    };
    let builds = if builds_list(name) {
        Builds::List
    } else if builds_map(name) {
        Builds::Map
    } else {
        Builds::Nothing
    };
    Kind { before, builds }
}

/// Units charged before calling the function `name` with these (already converted) arguments.
/// `budget` is the fuel left: a deep size is not counted past it, and a result above it means
/// the call cannot be afforded.
pub fn before_call(name: &str, args: &[Value], budget: u64) -> u64 {
    before(kind(name), args, budget)
}

/// [`before_call`] for a function whose [`kind`] is known.
pub fn before(kind: Kind, args: &[Value], budget: u64) -> u64 {
    match kind.before {
        Before::Free => 0,
        Before::Fixed(units) => units,
        Before::GenPrivateKey => match args.first().and_then(Value::as_str) {
            Some("ecdsa") => GEN_ECDSA,
            // The RSA and DSA keys are embedded (picked, not generated); Ed25519 is cheap. Their
            // PEM is charged as the returned string.
            _ => 100,
        },
        Before::GenSignedCert => SIGN_RSA_2048.saturating_add(ca_key_units(args.get(4))),
        Before::GenCaWithKey => key_units(str_len(args.get(2))),
        Before::GenSelfSignedCertWithKey => key_units(str_len(args.get(4))),
        Before::GenSignedCertWithKey => {
            key_units(str_len(args.get(5))).saturating_add(ca_key_units(args.get(4)))
        }
        Before::Cipher => 1_000 + strings_len(args) / 16,
        Before::Hash => strings_len(args) / 32,
        Before::Scan => strings_len(args) / 64,
        Before::Regex => regex_units(args),
        Before::Uniq => {
            // Sprig's `uniq` looks every item up in the list built so far.
            let n = list_len(args.first());
            (n.saturating_mul(n) / 16).saturating_add(deep_units(args, budget))
        }
        Before::Without => {
            let n = list_len(args.first());
            (n.saturating_mul(args.len() as u64) / 16).saturating_add(deep_units(args, budget))
        }
        Before::Deep => deep_units(args, budget),
    }
}

/// Units a result costs besides its string bytes: a list or map the call built, one unit per
/// item (`until 4000000` builds four million values; `append` copies its list, so a loop of
/// appends is quadratic). Only for functions that build a new one: `index`, `get`, `default` or
/// `set` hand back a list or map that exists already, at no cost.
pub fn of_result(name: &str, v: &Value) -> u64 {
    result(kind(name), v)
}

/// [`of_result`] for a function whose [`kind`] is known.
pub fn result(kind: Kind, v: &Value) -> u64 {
    let n = match (v, kind.builds) {
        (Value::List(l), Builds::List) => l.items.borrow().len(),
        (Value::Map(m), Builds::Map) => m.borrow().len(),
        _ => 0,
    };
    n as u64
}

fn builds_list(name: &str) -> bool {
    let base = name.strip_prefix("must").unwrap_or(name);
    matches!(
        base,
        "until"
            | "untilStep"
            | "seq"
            | "list"
            | "tuple"
            | "Append"
            | "append"
            | "push"
            | "Push"
            | "prepend"
            | "Prepend"
            | "concat"
            | "rest"
            | "Rest"
            | "initial"
            | "Initial"
            | "reverse"
            | "Reverse"
            | "uniq"
            | "Uniq"
            | "compact"
            | "Compact"
            | "without"
            | "Without"
            | "chunk"
            | "Chunk"
            | "slice"
            | "Slice"
            | "splitList"
            | "regexFindAll"
            | "RegexFindAll"
            | "regexSplit"
            | "RegexSplit"
            | "keys"
            | "values"
            | "pluck"
            | "sortAlpha"
            | "toStrings"
            | "fromJsonArray"
            | "fromYamlArray"
    )
}

fn builds_map(name: &str) -> bool {
    matches!(
        name,
        "dict" | "split" | "splitn" | "pick" | "omit" | "fromJson" | "mustFromJson" | "fromYaml"
    )
}

/// Units to print a value that is not a string (`{{ $list }}`): a walk of all of it.
pub fn of_printing(v: &Value, budget: u64) -> u64 {
    match v {
        Value::List(_) | Value::Map(_) => deep_size(v, budget),
        _ => 0,
    }
}

/// Functions that format, encode, copy or compare their arguments all the way down.
fn walks_deeply(name: &str) -> bool {
    matches!(
        name,
        "toJson"
            | "mustToJson"
            | "toPrettyJson"
            | "mustToPrettyJson"
            | "toRawJson"
            | "mustToRawJson"
            | "toYaml"
            | "mustToYaml"
            | "toYamlPretty"
            | "toToml"
            | "mustToToml"
            | "toString"
            | "toStrings"
            | "print"
            | "printf"
            | "println"
            | "html"
            | "js"
            | "urlquery"
            | "cat"
            | "quote"
            | "squote"
            | "join"
            | "sortAlpha"
            | "deepCopy"
            | "mustDeepCopy"
            | "deepEqual"
            | "merge"
            | "mustMerge"
            | "mergeOverwrite"
            | "mustMergeOverwrite"
            | "has"
            | "mustHas"
            | "compact"
            | "mustCompact"
            | "concat"
            | "urlJoin"
            | "fail"
    )
}

fn is_regex(name: &str) -> bool {
    let base = name.strip_prefix("must").unwrap_or(name);
    base.starts_with("Regex") || base.starts_with("regex")
}

/// A regular expression costs its compilation (the size of its program) and a scan of the
/// input whose cost per byte grows with the program (the lazy DFA gives up on big automata and
/// the NFA simulation is linear in both). Measured: `(a|b)*c` scans ~15 bytes per unit,
/// `[ab]{1,1000}[ab]{1,1000}c` (weight 2002) ~13 units per byte.
fn regex_units(args: &[Value]) -> u64 {
    let mut strs = args.iter().filter_map(Value::as_str);
    let Some(pattern) = strs.next() else {
        return 0;
    };
    let weight = crate::sprig::regex::program_weight(pattern);
    let input: u64 = strs.map(|s| s.len() as u64).sum();
    let per_16_bytes = 1 + weight / 8;
    (input / 16)
        .saturating_mul(per_16_bytes)
        .saturating_add(weight / 4)
}

/// Signing with the caller's PEM key of `pem_len` bytes: RSA signing is cubic in the modulus
/// size, and an RSA-2048 PEM is about 1700 bytes.
fn key_units(pem_len: u64) -> u64 {
    let r = pem_len.max(1700).div_ceil(425); // in quarters of an RSA-2048 key: at least 4
    SIGN_RSA_2048.saturating_mul(r.saturating_pow(3)) / 64
}

/// Signing with a CA's key: the `certificate` argument's `Key` field.
fn ca_key_units(ca: Option<&Value>) -> u64 {
    match ca {
        Some(Value::Object(o)) => {
            let len = o.field("Key").as_ref().map_or(0, |k| str_len(Some(k)));
            key_units(len)
        }
        _ => 0,
    }
}

fn str_len(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::Str(s)) => s.len() as u64,
        Some(Value::Bytes(b)) => b.len() as u64,
        _ => 0,
    }
}

fn strings_len(args: &[Value]) -> u64 {
    args.iter().map(|a| str_len(Some(a))).sum()
}

fn list_len(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::List(l)) => l.items.borrow().len() as u64,
        _ => 0,
    }
}

fn deep_units(args: &[Value], budget: u64) -> u64 {
    let mut total = 0u64;
    for a in args {
        total = total.saturating_add(deep_size(a, budget.saturating_sub(total)));
        if total > budget {
            break;
        }
    }
    total
}

/// A walk's cost: one unit per value visited plus one per 64 bytes of its strings, counted the
/// way the walk will meet them (a list shared twice is walked twice), and only up to `cap + 1`:
/// past the budget the exact figure does not matter, and counting it could take forever.
pub fn deep_size(v: &Value, cap: u64) -> u64 {
    match v {
        Value::Str(s) => return 1 + s.len() as u64 / 64,
        Value::Bytes(b) => return 1 + b.len() as u64 / 64,
        Value::List(_) | Value::Map(_) => {}
        _ => return 1,
    }
    let mut total = 0u64;
    let mut stack: Vec<Value> = vec![v.clone()];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(1);
        match &v {
            Value::Str(s) => total = total.saturating_add(s.len() as u64 / 64),
            Value::Bytes(b) => total = total.saturating_add(b.len() as u64 / 64),
            Value::List(l) => stack.extend(l.items.borrow().iter().cloned()),
            Value::Map(m) => {
                for (k, v) in m.borrow().iter() {
                    total = total.saturating_add(k.len() as u64 / 64);
                    stack.push(v.clone());
                }
            }
            _ => {}
        }
        if total > cap {
            return total;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: Vec<Value>) -> Value {
        Value::list(items)
    }

    #[test]
    fn deep_size_counts_shared_values_each_time_and_stops_at_the_cap() {
        let mut x = list(vec![Value::Int(1)]);
        for _ in 0..60 {
            x = list(vec![x.clone(), x]);
        }
        // 2^61 - 1 nodes: counting stops just past the cap.
        assert_eq!(deep_size(&x, 1000), 1001);
        let small = list(vec![Value::str(&"a".repeat(640)), Value::Nil]);
        assert_eq!(deep_size(&small, u64::MAX), 3 + 10);
    }

    #[test]
    fn crypto_costs_follow_the_work() {
        let s = Value::str;
        assert_eq!(
            before_call("derivePassword", &[Value::Int(1)], 0),
            DERIVE_PASSWORD
        );
        assert_eq!(before_call("genPrivateKey", &[s("ecdsa")], 0), GEN_ECDSA);
        // A caller's RSA-2048 key costs what an embedded one does; a key four times as long
        // costs 64 times as much.
        let k2048 = s(&"k".repeat(1700));
        let k8192 = s(&"k".repeat(6800));
        assert_eq!(
            before_call("genCAWithKey", &[s("x"), Value::Int(1), k2048], 0),
            SIGN_RSA_2048
        );
        assert_eq!(
            before_call("genCAWithKey", &[s("x"), Value::Int(1), k8192], 0),
            SIGN_RSA_2048 * 64
        );
    }

    #[test]
    fn regex_cost_grows_with_input_and_pattern() {
        let s = Value::str;
        let big = s(&"ab".repeat(8192));
        let simple = before_call("regexMatch", &[s("(a|b)*c"), big.clone()], 0);
        let counted = before_call("regexMatch", &[s("[ab]{1,1000}[ab]{1,1000}c"), big], 0);
        assert_eq!(simple, 1024 + 1);
        assert!(counted > 30 * simple, "{counted} vs {simple}");
        assert_eq!(before_call("mustRegexFind", &[s("a"), s("abc")], 0), 0);
    }
}
