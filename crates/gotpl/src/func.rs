//! Functions as the executor calls them: a Go signature (so arguments are converted and refused
//! exactly as Go's reflection does it) and a native body.
//!
//! Go converts each argument to the parameter's type before the call: an `interface{}` parameter
//! takes anything, a typed one only a value of that type (`trunc .Values.n "x"`: `wrong type for
//! value; expected int; got string`), with untyped constants converted (`trunc 5 .s`). The executor
//! does that from [`Signature`]; a body receives arguments already checked against it. A body's
//! `Err(msg)` is Go's non-nil error return or a recovered panic; the executor reports it as
//! `error calling NAME: msg`.
//!
//! Each function family is a module with `pub const FUNCS: &[Func]`; [`crate::funcs`] joins them
//! into the table the parser checks names against and the executor calls.

use crate::value::Value;

/// A Go parameter type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `interface{}`: anything, nil included.
    Any,
    String,
    Int,
    Int64,
    Uint32,
    Float64,
    Bool,
    /// `[]interface{}`
    List,
    /// `[]string`
    StringList,
    /// `map[string]interface{}`
    Map,
    /// `[]byte`
    Bytes,
    /// A named Go type held by a [`Value::Object`] whose `type_name()` is this name (`time.Time`,
    /// `sprig.certificate`, `*semver.Version`): the executor refuses anything else with Go's
    /// message (`wrong type for value; expected time.Time; got int`).
    Object(&'static str),
}

impl Ty {
    /// The type's name as Go prints it in conversion errors.
    pub fn go_name(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::String => "string",
            Ty::Int => "int",
            Ty::Int64 => "int64",
            Ty::Uint32 => "uint32",
            Ty::Float64 => "float64",
            Ty::Bool => "bool",
            Ty::List => "[]interface {}",
            Ty::StringList => "[]string",
            Ty::Map => "map[string]interface {}",
            Ty::Bytes => "[]uint8",
            Ty::Object(name) => name,
        }
    }
}

/// A function's Go signature.
#[derive(Clone, Copy, Debug)]
pub struct Signature {
    pub params: &'static [Ty],
    /// The type of a final `...T` parameter.
    pub variadic: Option<Ty>,
}

/// What a function body gets besides its arguments: the run's deterministic sources of
/// randomness and time. Nothing here reads the environment, the clock or the network.
pub struct FuncEnv {
    pub rng: Rng,
    /// The fixed instant `now` returns: nanoseconds since the Unix epoch, UTC.
    pub now_unix_nanos: i128,
}

impl Default for FuncEnv {
    fn default() -> FuncEnv {
        FuncEnv {
            rng: Rng::new(0),
            now_unix_nanos: DEFAULT_NOW_UNIX_NANOS,
        }
    }
}

/// 2026-01-01T00:00:00Z: the instant `now` returns unless the caller sets another, so rendered
/// output is the same on every run.
pub const DEFAULT_NOW_UNIX_NANOS: i128 = 1_767_225_600 * 1_000_000_000;

pub type Native = fn(&mut FuncEnv, Vec<Value>) -> Result<Value, String>;

#[derive(Clone, Copy)]
pub struct Func {
    pub name: &'static str,
    pub sig: Signature,
    pub body: Native,
}

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Func({})", self.name)
    }
}

/// SplitMix64: a small deterministic generator. Random functions (`randAlphaNum`, `uuidv4`, key
/// choice for `genCA`) draw from it, so one seed gives one output.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The generator's position: equal positions give equal draws from here on.
    pub fn state(&self) -> u64 {
        self.0
    }

    /// A number in `0..n` (`n > 0`), without modulo bias worth caring about for n ≪ 2^64.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
}
