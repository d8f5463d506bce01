//! Calling functions: Go's `evalFunction`, `evalCall`, `evalArg` and `validateType`. Arguments
//! are converted to the parameter types of the function's Go signature exactly as Go's reflection
//! does it, so the same calls fail with the same messages.

use std::rc::Rc;
use std::sync::OnceLock;

use super::errors::{At, Chain, ErrorKind};
use super::output;
use super::state::{Frame, R, Rv, State};
use crate::ast::Arg;
use crate::func::{Func, Signature, Ty};
use crate::value::Value;

/// A parameter type as `evalArg` sees it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PTy {
    /// No type (a chain's receiver): the value as it is.
    Untyped,
    Go(Ty),
    /// `reflect.Value` (the parameters of `and`/`or`): the value unconverted, boxing kept.
    RValue,
}

/// Functions the executor implements itself.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    And,
    Or,
    Include,
    Tpl,
    Required,
    Fail,
    Lookup,
}

impl Special {
    fn sig(self) -> Signature {
        const S_A: &[Ty] = &[Ty::String, Ty::Any];
        match self {
            Special::And | Special::Or => Signature {
                params: &[Ty::Any],
                variadic: Some(Ty::Any),
            },
            Special::Include | Special::Tpl | Special::Required => Signature {
                params: S_A,
                variadic: None,
            },
            Special::Fail => Signature {
                params: &[Ty::String],
                variadic: None,
            },
            Special::Lookup => Signature {
                params: &[Ty::String, Ty::String, Ty::String, Ty::String],
                variadic: None,
            },
        }
    }
}

#[derive(Clone, Copy)]
enum Callee {
    Func(&'static Func),
    Special(Special),
}

/// The names of [`super::EXEC_FUNCS`], in its order.
const SPECIALS: [(&str, Special); 7] = [
    ("and", Special::And),
    ("or", Special::Or),
    ("include", Special::Include),
    ("tpl", Special::Tpl),
    ("required", Special::Required),
    ("fail", Special::Fail),
    ("lookup", Special::Lookup),
];

/// What a call needs to know about the function besides its body, worked out once per name
/// rather than by matching the name on every call.
#[derive(Clone, Copy)]
struct Resolved {
    callee: Callee,
    cost: crate::cost::Kind,
    /// See [`origin_preserving`].
    keeps_origins: Option<usize>,
    /// See [`walks_containers`].
    walks_containers: bool,
    is_len: bool,
    is_call: bool,
    /// Mutates a map argument in place (see [`super::memo`]).
    mutates: bool,
    /// Only stores its arguments in what it returns (`dict`, `list`): reads nothing of them.
    stores_only: bool,
    /// See [`reads_named_keys`].
    reads_named_keys: bool,
}

impl Resolved {
    fn new(name: &str, callee: Callee) -> Resolved {
        Resolved {
            callee,
            cost: crate::cost::kind(name),
            keeps_origins: origin_preserving(name),
            walks_containers: walks_containers(name),
            is_len: name == "len",
            is_call: name == "call" && matches!(callee, Callee::Func(_)),
            mutates: matches!(
                name,
                "set" | "unset" | "merge" | "mergeOverwrite" | "mustMerge" | "mustMergeOverwrite"
            ),
            stores_only: matches!(name, "dict" | "list"),
            reads_named_keys: reads_named_keys(name),
        }
    }
}

/// The function called `name` (the executor's own first, as they shadow the table's).
fn resolve(name: &str) -> Option<&'static Resolved> {
    static TABLE: OnceLock<super::FxMap<&'static str, Resolved>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut map = super::FxMap::default();
            for (name, f) in crate::funcs::table() {
                map.insert(*name, Resolved::new(name, Callee::Func(f)));
            }
            for (name, s) in SPECIALS {
                map.insert(name, Resolved::new(name, Callee::Special(s)));
            }
            map
        })
        .get(name)
}

/// Whether `name` resolves to a function ([`super::is_func`]).
pub(super) fn is_resolved(name: &str) -> bool {
    resolve(name).is_some()
}

/// Sprig functions whose string result keeps the origins of a tracked string argument, and the
/// index of that argument.
fn origin_preserving(name: &str) -> Option<usize> {
    match name {
        "indent" | "nindent" | "trimSuffix" | "trimPrefix" | "trimAll" => Some(1),
        "trim" => Some(0),
        _ => None,
    }
}

/// Functions that read of a map argument at most the keys their string arguments name
/// (`hasKey`, `get`, `index`, `dig`, `pluck`), or only its size and type (`empty`, `len`,
/// `kindIs`, …), or return an argument without reading it (`default`, `ternary`, `coalesce`):
/// given a chart's dot, they read its `.Template` only when an argument is the string
/// "Template" (see [`super::memo`]). `include "common.labels.standard" (dict … "context" $)`
/// tests `hasKey . "context"`, which must not keep its result to the file that made it.
fn reads_named_keys(name: &str) -> bool {
    matches!(
        name,
        "hasKey"
            | "get"
            | "index"
            | "dig"
            | "pluck"
            | "empty"
            | "len"
            | "kindIs"
            | "kindOf"
            | "typeOf"
            | "typeIs"
            | "typeIsLike"
            | "default"
            | "ternary"
            | "coalesce"
    )
}

/// Functions that walk an `interface{}` argument with reflection as a map or a slice: they see a
/// map or slice type with methods as the plain map or slice under it
/// (`len .Capabilities.APIVersions`, `index (.Files.Glob "x/*") "x/a"`). Every other function
/// gets it as it is, so `typeOf` names it and what `dict` or `default` pass on keeps its methods.
fn walks_containers(name: &str) -> bool {
    matches!(
        name,
        "len"
            | "index"
            | "slice"
            | "empty"
            | "concat"
            | "join"
            | "sortAlpha"
            | "toStrings"
            | "first"
            | "last"
            | "rest"
            | "initial"
            | "has"
            | "uniq"
            | "without"
            | "compact"
            | "reverse"
            | "append"
            | "push"
            | "prepend"
            | "chunk"
            | "mustFirst"
            | "mustLast"
            | "mustRest"
            | "mustInitial"
            | "mustHas"
            | "mustUniq"
            | "mustWithout"
            | "mustCompact"
            | "mustReverse"
            | "mustAppend"
            | "mustPush"
            | "mustPrepend"
            | "mustChunk"
    )
}

/// The map or slice types with methods among `argv`, as plain maps and slices when the
/// function walks them ([`walks_containers`]).
fn plain_containers(walks: bool, argv: &mut [Value]) {
    if walks && argv.iter().any(|v| matches!(v, Value::Object(_))) {
        for v in argv.iter_mut() {
            if let Some(plain) = v.underlying() {
                *v = plain;
            }
        }
    }
}

fn can_be_nil(t: Ty) -> bool {
    match t {
        Ty::Any | Ty::List | Ty::StringList | Ty::Map | Ty::Bytes => true,
        // Pointer types can be nil, structs (time.Time) cannot.
        Ty::Object(name) => name.starts_with('*'),
        _ => false,
    }
}

fn assignable(v: &Value, t: Ty) -> bool {
    use crate::value::Elem;
    match t {
        Ty::Any => true,
        Ty::String => matches!(v, Value::Str(_)),
        Ty::Int => matches!(v, Value::Int(_)),
        Ty::Int64 => matches!(v, Value::Int64(_)),
        Ty::Uint32 => false,
        Ty::Float64 => matches!(v, Value::Float(_)),
        Ty::Bool => matches!(v, Value::Bool(_)),
        Ty::List => matches!(v, Value::List(l) if l.elem == Elem::Any),
        Ty::StringList => matches!(v, Value::List(l) if l.elem == Elem::String),
        Ty::Map => matches!(v, Value::Map(_)),
        Ty::Bytes => matches!(v, Value::Bytes(_)),
        Ty::Object(name) => matches!(v, Value::Object(o) if o.type_name() == name),
    }
}

impl State<'_> {
    /// Go's `evalFunction`: `name` called with `rest` (and the pipeline's `fin`).
    #[allow(clippy::too_many_arguments)]
    pub fn eval_function<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        node: &'n Arg,
        name: &'n str,
        call_node: At<'n>,
        rest: &'n [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        fr.at(At::Arg(node));
        let Some(callee) = resolve(name) else {
            let msg = format!(
                "{} is not a defined function",
                super::errors::go_quote(name)
            );
            return Err(self.errorf(fr, msg));
        };
        self.burn(fr, 1)?;
        self.eval_call(fr, dot, callee, call_node, name, rest, fin)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_call<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        info: &Resolved,
        call_node: At<'n>,
        name: &str,
        rest: &'n [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let callee = info.callee;
        let sig = match callee {
            Callee::Func(f) => f.sig,
            Callee::Special(s) => s.sig(),
        };
        let params = sig.params;
        let num_in = rest.len() + usize::from(fin.is_some());
        let num_fixed = if sig.variadic.is_some() {
            if num_in < params.len() {
                let msg = format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    params.len(),
                    rest.len()
                );
                return Err(self.errorf(fr, msg));
            }
            params.len()
        } else {
            if num_in != params.len() {
                let msg = format!(
                    "wrong number of args for {name}: want {} got {num_in}",
                    params.len()
                );
                return Err(self.errorf(fr, msg));
            }
            rest.len()
        };

        if let Callee::Special(s @ (Special::And | Special::Or)) = callee {
            return self.and_or(fr, dot, s == Special::Or, rest, fin);
        }

        let mut argv: Vec<Value> = Vec::with_capacity(num_in);
        let mut zero_value_len = false;
        for (i, a) in rest.iter().enumerate() {
            let ty = if i < num_fixed {
                params.get(i).copied()
            } else {
                sig.variadic
            };
            let ty = ty.unwrap_or(Ty::Any);
            let rv = self.eval_arg(fr, dot, PTy::Go(ty), a)?;
            zero_value_len |= info.is_len && rv.is_invalid();
            argv.push(rv.v);
        }
        if let Some(f) = fin {
            let ty = match sig.variadic {
                Some(var) if num_in > num_fixed => var,
                _ => params.get(num_in - 1).copied().unwrap_or(Ty::Any),
            };
            let rv = self.validate(fr, f, PTy::Go(ty))?;
            zero_value_len |= info.is_len && rv.is_invalid();
            argv.push(rv.v);
        }

        // Go passes `call` the callee's source text first, for its error messages.
        if info.is_call {
            let callee_text = rest
                .first()
                .map_or(String::new(), |a| At::Arg(a).context(&fr.tree.text));
            argv.insert(0, Value::string(callee_text));
        }

        let result = match callee {
            // Go's `len` takes a reflect.Value: a nil interface (a field's missing value) is "len of
            // nil pointer", but an invalid Value (a nil from a pipeline, a variable or a call) makes
            // reflect panic, and text/template reports the panic.
            Callee::Func(_) if zero_value_len => Err(Chain::plain(
                "reflect: call of reflect.Value.Type on zero Value".to_owned(),
            )),
            Callee::Func(f) => {
                let tracked_in = info.keeps_origins.and_then(|i| match argv.get(i) {
                    Some(Value::Str(s)) => self.tracked.get(s).map(|r| (s.clone(), r)),
                    _ => None,
                });
                let pad = match argv.first() {
                    Some(Value::Int(n)) => usize::try_from(*n).unwrap_or(0),
                    _ => 0,
                };
                plain_containers(info.walks_containers, &mut argv);
                let units = crate::cost::before(info.cost, &argv, self.fuel);
                if units > self.fuel {
                    fr.at(call_node);
                }
                self.burn(fr, units)?;
                self.note_call(name, info, &argv);
                let r = (f.body)(&mut self.env.funcs, argv).map_err(Chain::plain);
                if let Ok(v) = &r {
                    self.burn(fr, crate::cost::result(info.cost, v))?;
                    self.note_fresh(v);
                }
                if let (Ok(Value::Str(out)), Some((input, runs))) = (&r, tracked_in) {
                    self.track_derived(name, &input, &runs, out, pad);
                }
                r
            }
            Callee::Special(s) => self.call_special(fr, call_node.pos(), s, argv),
        };
        match result {
            Ok(v) => {
                self.check_value_size(fr, &v)?;
                Ok(Rv::val(v))
            }
            Err(inner) => {
                fr.at(call_node);
                let msg = format!("error calling {name}: {}", inner.top());
                Err(self.error_kind(fr, msg, Some(inner), ErrorKind::Template))
            }
        }
    }

    /// What a native call may do that the read tracker and the include memo must know.
    fn note_call(&mut self, name: &str, info: &Resolved, argv: &[Value]) {
        crate::track::call(name, argv);
        if info.mutates {
            // `unset` puts nothing in; `set` its value (after the key), `merge…` its sources.
            let added = match name {
                "unset" => &[],
                "set" => argv.get(2..).unwrap_or(&[]),
                _ => argv.get(1..).unwrap_or(&[]),
            };
            self.note_mutation(argv.first().unwrap_or(&Value::Nil), added);
        }
        let names_template = || argv.iter().any(|v| v.as_str() == Some("Template"));
        if !info.stores_only && (!info.reads_named_keys || names_template()) {
            self.note_template_reads(argv);
        }
    }

    /// Keeps the origins of a tracked string through `indent`/`nindent`/`trim…`.
    fn track_derived(
        &mut self,
        name: &str,
        input: &Rc<str>,
        runs: &[output::Origin],
        out: &Rc<str>,
        pad: usize,
    ) {
        let mut new_runs = match name {
            "indent" | "nindent" => output::indent_runs(input, runs, pad, name == "nindent"),
            _ => {
                // A trim: the result is a piece of the input.
                let Some(start) = (0..=input.len().saturating_sub(out.len()))
                    .filter(|&i| input.is_char_boundary(i))
                    .find(|&i| input.get(i..i + out.len()) == Some(&**out))
                else {
                    return;
                };
                output::slice_runs(input.len(), runs, start, out.len())
            }
        };
        self.tracked.add(out, &mut new_runs);
    }

    /// Go's `and`/`or`: evaluate left to right, stop at the first false (`and`) or true (`or`)
    /// operand and return it; otherwise the last one.
    fn and_or<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        is_or: bool,
        rest: &'n [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let mut v = Rv::invalid();
        for a in rest {
            v = self.eval_arg(fr, dot, PTy::RValue, a)?;
            if v.v.truthy() == is_or {
                return Ok(v);
            }
        }
        if let Some(f) = fin {
            v = f;
        }
        Ok(v)
    }

    /// Go's `evalArg`.
    pub fn eval_arg<'n>(&mut self, fr: &mut Frame<'n>, dot: &Rv, ty: PTy, n: &'n Arg) -> R<Rv> {
        fr.at(At::Arg(n));
        match n {
            Arg::Dot(_) => return self.validate(fr, dot.clone(), ty),
            Arg::Nil(_) => {
                return match ty {
                    PTy::Go(t) if !can_be_nil(t) => {
                        Err(self.errorf(fr, format!("cannot assign nil to {}", t.go_name())))
                    }
                    _ => Ok(Rv::invalid()),
                };
            }
            Arg::Field(_, idents) => {
                let v = self.eval_field_node(fr, dot, n, idents, std::slice::from_ref(n), None)?;
                return self.validate(fr, v, ty);
            }
            Arg::Variable(var) => {
                let v = self.eval_variable_node(fr, dot, n, var, &[], None)?;
                return self.validate(fr, v, ty);
            }
            Arg::Pipe(_, p) => {
                let v = self.eval_nested(fr, dot, p)?;
                return self.validate(fr, v, ty);
            }
            Arg::Identifier(_, name) => {
                let v = self.eval_function(fr, dot, n, name, At::Arg(n), &[], None)?;
                return self.validate(fr, v, ty);
            }
            Arg::Chain(..) => {
                let v = self.eval_chain_node(fr, dot, n, &[], None)?;
                return self.validate(fr, v, ty);
            }
            _ => {}
        }
        let t = match ty {
            PTy::Go(t) => t,
            PTy::Untyped | PTy::RValue => Ty::Any,
        };
        let found = || At::Arg(n).context(&fr.tree.text);
        match (t, n) {
            (Ty::Any, _) => self.eval_empty_interface(fr, n),
            (Ty::Bool, Arg::Bool(_, b)) => Ok(Rv::val(Value::Bool(*b))),
            (Ty::Bool, _) => Err(self.errorf(fr, format!("expected bool; found {}", found()))),
            (Ty::String, Arg::String(_, s)) => Ok(Rv::val(self.literal(s))),
            (Ty::String, _) => Err(self.errorf(fr, format!("expected string; found {}", found()))),
            (Ty::Int | Ty::Int64, Arg::Number(_, num)) if num.int.is_some() => {
                let i = num.int.unwrap_or(0);
                Ok(Rv::val(if t == Ty::Int {
                    Value::Int(i)
                } else {
                    Value::Int64(i)
                }))
            }
            (Ty::Int | Ty::Int64, _) => {
                Err(self.errorf(fr, format!("expected integer; found {}", found())))
            }
            (Ty::Uint32, Arg::Number(_, num)) if num.uint.is_some() => {
                // Go's SetUint on a uint32 keeps the low 32 bits.
                Ok(Rv::val(Value::Uint(num.uint.unwrap_or(0) & 0xffff_ffff)))
            }
            (Ty::Uint32, _) => {
                Err(self.errorf(fr, format!("expected unsigned integer; found {}", found())))
            }
            (Ty::Float64, Arg::Number(_, num)) if num.float.is_some() => {
                Ok(Rv::val(Value::Float(num.float.unwrap_or(0.0))))
            }
            (Ty::Float64, _) => Err(self.errorf(fr, format!("expected float; found {}", found()))),
            (Ty::List | Ty::StringList | Ty::Map | Ty::Bytes | Ty::Object(_), _) => {
                let msg = format!("can't handle {} for arg of type {}", found(), t.go_name());
                Err(self.errorf(fr, msg))
            }
        }
    }

    fn eval_empty_interface<'n>(&mut self, fr: &mut Frame<'n>, n: &'n Arg) -> R<Rv> {
        fr.at(At::Arg(n));
        match n {
            Arg::Bool(_, b) => Ok(Rv::val(Value::Bool(*b))),
            Arg::Number(_, num) => self.ideal_constant(fr, n, num),
            Arg::String(_, s) => Ok(Rv::val(self.literal(s))),
            _ => {
                let ctx = At::Arg(n).context(&fr.tree.text);
                let msg = format!("can't handle assignment of {ctx} to empty interface argument");
                Err(self.errorf(fr, msg))
            }
        }
    }

    /// Go's `validateType`: the value as a parameter of type `ty`.
    pub fn validate(&self, fr: &Frame<'_>, v: Rv, ty: PTy) -> R<Rv> {
        let t = match ty {
            PTy::Untyped | PTy::RValue => return Ok(v),
            PTy::Go(t) => t,
        };
        if v.is_invalid() {
            if can_be_nil(t) {
                return Ok(v);
            }
            return Err(self.errorf(fr, format!("invalid value; expected {}", t.go_name())));
        }
        if t == Ty::Any {
            return Ok(v);
        }
        if assignable(&v.v, t) && !(v.boxed && v.v.is_nil()) {
            return Ok(v.unbox());
        }
        let got = if v.boxed && v.v.is_nil() {
            "interface {}".to_string()
        } else {
            v.v.type_name()
        };
        let msg = format!("wrong type for value; expected {}; got {got}", t.go_name());
        Err(self.errorf(fr, msg))
    }
}
