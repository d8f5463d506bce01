//! Validation of one instance, keyword by keyword in the order and with the error tree of
//! santhosh-tekuri/jsonschema v6 (Helm's validator): a failed `type`, `const`, `enum` or `format`
//! stops the schema there; every other keyword reports; `unevaluated*` see what the keywords of
//! the same instance evaluated, through `$ref`, `allOf`, `anyOf`, `oneOf`, `if` and dependencies.

use serde_json::Value;

use super::compile::{
    ARRAY, Additional, BOOLEAN, Compiled, Dependency, INTEGER, Items, Keywords, NULL, NUMBER,
    OBJECT, STRING, Schema, TYPE_NAMES,
};
use super::number::{Decimal, helm_float, helm_int};
use super::{Error, Kind, display, quote};

/// Most schemas applied to one instance through `$ref`s, combinators and nesting together.
const MAX_DEPTH: usize = 128;
/// Most (schema, value) evaluations in one validation: nested `anyOf`s over `$ref` cycles can
/// be exponential; a schema that needs more is reported, not waited for.
const FUEL: u64 = 1_000_000;
/// Errors built with their message and location; past this (hostile schemas whose failed
/// branches multiply) they are kept as bare markers, so memory stays bounded by the fuel.
const MAX_DETAILED_ERRORS: usize = 10_000;

pub struct Validator<'c> {
    c: &'c Compiled,
    path: Vec<String>,
    /// (schema, instance depth) of every schema being applied, outermost first.
    scopes: Vec<(usize, usize)>,
    fuel: u64,
    exhausted: bool,
    detailed: usize,
}

/// Properties and items no keyword of this instance has evaluated yet.
#[derive(Default)]
struct Uneval<'v> {
    props: Vec<&'v str>,
    items: Vec<usize>,
}

impl<'v> Uneval<'v> {
    fn of(v: &'v Value, k: Option<&Keywords>, caller_needs: bool) -> Uneval<'v> {
        let mut u = Uneval::default();
        let (all_props, all_items, num_items, un_props, un_items) = match k {
            Some(k) => (
                k.all_props_evaluated,
                k.all_items_evaluated,
                k.num_items_evaluated,
                k.unevaluated_properties.is_some(),
                k.unevaluated_items.is_some(),
            ),
            None => (false, false, 0, false, false),
        };
        match v {
            Value::Object(obj) if !all_props && (caller_needs || un_props) => {
                u.props = obj.keys().map(String::as_str).collect();
            }
            Value::Array(arr)
                if !all_items && (caller_needs || un_items) && num_items < arr.len() =>
            {
                u.items = (num_items..arr.len()).collect();
            }
            _ => {}
        }
        u
    }

    fn is_empty(&self) -> bool {
        self.props.is_empty() && self.items.is_empty()
    }

    /// Keeps only what `other` left unevaluated too.
    fn merge(&mut self, other: &Uneval<'_>) {
        self.props.retain(|p| other.props.contains(p));
        self.items.retain(|i| other.items.contains(i));
    }
}

struct Frame<'v> {
    sch: usize,
    v: &'v Value,
    vid: usize,
    uneval: Uneval<'v>,
    errors: Vec<Error>,
    /// Only pass/fail matters (`not`, `if`, …): errors carry no message.
    bool_only: bool,
}

impl<'c> Validator<'c> {
    pub fn new(c: &'c Compiled) -> Self {
        Validator {
            c,
            path: Vec::new(),
            scopes: Vec::new(),
            fuel: FUEL,
            exhausted: false,
            detailed: 0,
        }
    }

    pub fn validate(&mut self, v: &Value) -> Result<(), Error> {
        let k = self.keywords(0);
        let mut f = Frame {
            sch: 0,
            v,
            vid: 0,
            uneval: Uneval::of(v, k, false),
            errors: Vec::new(),
            bool_only: false,
        };
        let r = self.run(&mut f);
        if self.exhausted {
            // Whatever was found before running out is partial: report the limit alone.
            return Err(Error {
                kind: Kind::Limit,
                message: "validation stopped: the schema needs too much work for these values"
                    .into(),
                ..Error::default()
            });
        }
        r
    }

    fn keywords(&self, sch: usize) -> Option<&'c Keywords> {
        match self.c.schemas.get(sch) {
            Some(Schema::Object(k)) => Some(k),
            _ => None,
        }
    }

    fn error(&mut self, f: &Frame<'_>, kind: Kind, message: impl FnOnce() -> String) -> Error {
        if f.bool_only {
            return Error::default();
        }
        if self.detailed >= MAX_DETAILED_ERRORS {
            return Error {
                kind: Kind::Leaf,
                message: "(further failures not described)".into(),
                ..Error::default()
            };
        }
        self.detailed += 1;
        Error {
            path: self.path.clone(),
            kind,
            message: message(),
            causes: Vec::new(),
        }
    }

    /// `min<what>`/`max<what>` (Items, Properties, Length) against a count.
    fn count_bounds(
        &mut self,
        f: &mut Frame<'_>,
        what: &str,
        len: usize,
        min: Option<usize>,
        max: Option<usize>,
    ) {
        if let Some(min) = min
            && len < min
        {
            self.add(f, Kind::Leaf, || {
                format!("min{what}: got {}, want {}", helm_int(len), helm_int(min))
            });
        }
        if let Some(max) = max
            && len > max
        {
            self.add(f, Kind::Leaf, || {
                format!("max{what}: got {}, want {}", helm_int(len), helm_int(max))
            });
        }
    }

    fn add(&mut self, f: &mut Frame<'_>, kind: Kind, message: impl FnOnce() -> String) {
        let e = self.error(f, kind, message);
        f.errors.push(e);
    }

    fn add_with(
        &mut self,
        f: &mut Frame<'_>,
        causes: Vec<Error>,
        kind: Kind,
        message: impl FnOnce() -> String,
    ) {
        let mut e = self.error(f, kind, message);
        e.causes = causes;
        f.errors.push(e);
    }

    fn run(&mut self, f: &mut Frame<'_>) -> Result<(), Error> {
        if self.fuel == 0 {
            self.exhausted = true;
            return Err(Error::default());
        }
        self.fuel -= 1;
        if self.scopes.len() >= MAX_DEPTH {
            return Err(self.error(f, Kind::Limit, || {
                format!("validation stopped: schemas nested deeper than {MAX_DEPTH}")
            }));
        }
        let k = match self.c.schemas.get(f.sch) {
            None | Some(Schema::Bool(true)) => return Ok(()),
            Some(Schema::Bool(false)) => {
                return Err(self.error(f, Kind::Leaf, || "false schema".into()));
            }
            Some(Schema::Object(k)) => k,
        };
        // The same schema again on the same value, with no value step between: a `$ref` cycle.
        for &(s, vid) in self.scopes.iter().rev() {
            if vid != f.vid {
                break;
            }
            if s == f.sch {
                let at = self.c.locations.get(f.sch).cloned().unwrap_or_default();
                return Err(self.error(f, Kind::Leaf, || {
                    format!("$ref cycle: schema at '{at}' applies to itself")
                }));
            }
        }
        self.scopes.push((f.sch, f.vid));
        let r = self.keywords_of(k, f);
        self.scopes.pop();
        r
    }

    fn keywords_of(&mut self, k: &'c Keywords, f: &mut Frame<'_>) -> Result<(), Error> {
        let v = f.v;
        if k.types != 0 {
            let t = type_bit(v);
            let ok = k.types & t != 0 || (k.types & INTEGER != 0 && t == NUMBER && is_integer(v));
            if !ok {
                return Err(self.error(f, Kind::Leaf, || {
                    let want: Vec<&str> = TYPE_NAMES
                        .iter()
                        .filter(|(b, _)| k.types & b != 0)
                        .map(|(_, n)| *n)
                        .collect();
                    format!("got {}, want {}", type_name(t), want.join(" or "))
                }));
            }
        }
        if let Some(c) = &k.constant
            && !equals(v, c)
        {
            return Err(self.error(f, Kind::Leaf, || match c {
                Value::Array(_) | Value::Object(_) => "'const' failed".into(),
                _ => format!("value must be {}", display(c)),
            }));
        }
        if let Some(e) = &k.enumeration
            && !e.iter().any(|w| equals(v, w))
        {
            return Err(self.error(f, Kind::Leaf, || {
                if e.iter().any(|w| w.is_array() || w.is_object()) {
                    "'enum' failed".into()
                } else if let [one] = e.as_slice() {
                    format!("value must be {}", display(one))
                } else {
                    let all: Vec<String> = e.iter().map(display).collect();
                    format!("value must be one of {}", all.join(", "))
                }
            }));
        }
        if let Some(fmt) = &k.format
            && let Err(why) = fmt.check(v)
        {
            return Err(self.error(f, Kind::Leaf, || {
                format!("{} is not valid {}: {why}", display(v), fmt.name())
            }));
        }
        if let Some(r) = k.reference {
            let res = self.apply_self(f, r, false);
            if k.draft < super::Draft::D2019 {
                return res;
            }
            if let Err(e) = res {
                f.errors.push(e);
            }
        }
        match v {
            Value::Object(obj) => self.object(k, f, obj),
            Value::Array(arr) => self.array(k, f, arr),
            Value::String(s) => self.string(k, f, s),
            Value::Number(n) => self.number(k, f, n),
            _ => {}
        }
        if f.errors.is_empty() || !f.bool_only {
            for &r in &k.dynamic_refs {
                if let Err(e) = self.apply_self(f, r, false) {
                    f.errors.push(e);
                }
            }
            self.conditionals(k, f);
            self.unevaluated(k, f);
        }
        match f.errors.len() {
            0 => Ok(()),
            1 => Err(f.errors.pop().unwrap_or_default()),
            _ => {
                let causes = std::mem::take(&mut f.errors);
                let mut e = self.error(f, Kind::Group, || "validation failed".into());
                e.causes = causes;
                Err(e)
            }
        }
    }

    /// Another schema on the same value (`$ref`, `allOf`, …): what it evaluates counts here.
    fn apply_self(&mut self, f: &mut Frame<'_>, sch: usize, bool_only: bool) -> Result<(), Error> {
        let needs = !f.uneval.is_empty();
        let mut sub = Frame {
            sch,
            v: f.v,
            vid: f.vid,
            uneval: Uneval::of(f.v, self.keywords(sch), needs),
            errors: Vec::new(),
            bool_only: f.bool_only || bool_only,
        };
        self.run(&mut sub)?;
        if needs {
            f.uneval.merge(&sub.uneval);
        }
        Ok(())
    }

    /// A schema on a member or item: one step down the instance.
    fn apply_to(
        &mut self,
        f: &Frame<'_>,
        sch: usize,
        v: &Value,
        token: String,
    ) -> Result<(), Error> {
        self.path.push(token);
        let mut sub = Frame {
            sch,
            v,
            vid: f.vid + 1,
            uneval: Uneval::of(v, self.keywords(sch), false),
            errors: Vec::new(),
            bool_only: f.bool_only,
        };
        let r = self.run(&mut sub);
        self.path.pop();
        r
    }

    fn push(f: &mut Frame<'_>, r: Result<(), Error>) {
        if let Err(e) = r {
            f.errors.push(e);
        }
    }

    fn object<'v>(
        &mut self,
        k: &'c Keywords,
        f: &mut Frame<'v>,
        obj: &'v serde_json::Map<String, Value>,
    ) {
        self.count_bounds(
            f,
            "Properties",
            obj.len(),
            k.min_properties,
            k.max_properties,
        );
        if !k.required.is_empty() {
            let m = missing(obj, &k.required);
            if !m.is_empty() {
                let msg = required_message(&m);
                self.add(f, Kind::Required(m), || msg);
            }
        }
        if f.bool_only && !f.errors.is_empty() {
            return;
        }
        for (name, dep) in &k.dependencies {
            if obj.contains_key(name) {
                match dep {
                    Dependency::Required(names) => {
                        let m = missing(obj, names);
                        if !m.is_empty() {
                            self.add(f, Kind::Leaf, || {
                                format!(
                                    "properties {} required, if {} exists",
                                    join_quoted(&m),
                                    quote(name)
                                )
                            });
                        }
                    }
                    Dependency::Schema(s) => {
                        let r = self.apply_self(f, *s, false);
                        Self::push(f, r);
                    }
                }
            }
        }
        if !self.members(k, f, obj) {
            return;
        }
        self.names_and_dependents(k, f, obj);
    }

    /// `properties`, `patternProperties`, `additionalProperties`; false when only pass/fail
    /// matters and it has failed already.
    fn members<'v>(
        &mut self,
        k: &'c Keywords,
        f: &mut Frame<'v>,
        obj: &'v serde_json::Map<String, Value>,
    ) -> bool {
        let mut additional = Vec::new();
        for (name, value) in obj {
            if f.bool_only && !f.errors.is_empty() {
                return false;
            }
            let mut evaluated = false;
            if let Some((_, s)) = k.properties.iter().find(|(p, _)| p == name) {
                evaluated = true;
                let r = self.apply_to(f, *s, value, name.clone());
                Self::push(f, r);
            }
            for (re, s) in &k.pattern_properties {
                if re.is_match(name) {
                    evaluated = true;
                    let r = self.apply_to(f, *s, value, name.clone());
                    Self::push(f, r);
                }
            }
            if !evaluated && let Some(a) = &k.additional_properties {
                evaluated = true;
                match a {
                    Additional::Bool(false) => additional.push(name.clone()),
                    Additional::Bool(true) => {}
                    Additional::Schema(s) => {
                        let r = self.apply_to(f, *s, value, name.clone());
                        Self::push(f, r);
                    }
                }
            }
            if evaluated {
                f.uneval.props.retain(|p| *p != name.as_str());
            }
        }
        if !additional.is_empty() {
            let msg = format!(
                "additional properties {} not allowed",
                join_quoted(&additional)
            );
            self.add(f, Kind::AdditionalProperties(additional), || msg);
        }
        true
    }

    /// `propertyNames` (draft 6 on), `dependentSchemas` and `dependentRequired` (2019-09 on).
    fn names_and_dependents(
        &mut self,
        k: &'c Keywords,
        f: &mut Frame<'_>,
        obj: &serde_json::Map<String, Value>,
    ) {
        if k.draft == super::Draft::D4 {
            return;
        }
        if let Some(s) = k.property_names {
            for name in obj.keys() {
                let key = Value::String(name.clone());
                let mut sub = Frame {
                    sch: s,
                    v: &key,
                    vid: f.vid + 1,
                    uneval: Uneval::default(),
                    errors: Vec::new(),
                    bool_only: f.bool_only,
                };
                if let Err(e) = self.run(&mut sub) {
                    let causes = e.into_causes();
                    self.add_with(f, causes, Kind::Combinator, || {
                        format!("invalid propertyName {}", quote(name))
                    });
                }
            }
        }
        if k.draft == super::Draft::D6 {
            return;
        }
        for (name, s) in &k.dependent_schemas {
            if obj.contains_key(name) {
                let r = self.apply_self(f, *s, false);
                Self::push(f, r);
            }
        }
        for (name, names) in &k.dependent_required {
            if obj.contains_key(name) {
                let m = missing(obj, names);
                if !m.is_empty() {
                    self.add(f, Kind::Leaf, || {
                        format!(
                            "properties {} required, if {} exists",
                            join_quoted(&m),
                            quote(name)
                        )
                    });
                }
            }
        }
    }

    fn array(&mut self, k: &'c Keywords, f: &mut Frame<'_>, arr: &[Value]) {
        self.count_bounds(f, "Items", arr.len(), k.min_items, k.max_items);
        if k.unique_items
            && let Some((i, j)) = duplicates(arr)
        {
            self.add(f, Kind::Leaf, || {
                format!("items at {} and {} are equal", helm_int(i), helm_int(j))
            });
        }
        self.items(k, f, arr);
        self.contains(k, f, arr);
    }

    /// `items`/`additionalItems` before 2020-12, `prefixItems`/`items` from it.
    fn items(&mut self, k: &'c Keywords, f: &mut Frame<'_>, arr: &[Value]) {
        if k.draft < super::Draft::D2020 {
            let mut evaluated = 0;
            match &k.items {
                Some(Items::One(s)) => {
                    for (i, item) in arr.iter().enumerate() {
                        let r = self.apply_to(f, *s, item, i.to_string());
                        Self::push(f, r);
                    }
                    evaluated = arr.len();
                }
                Some(Items::Array(list)) => {
                    for (i, (item, s)) in arr.iter().zip(list).enumerate() {
                        let r = self.apply_to(f, *s, item, i.to_string());
                        Self::push(f, r);
                    }
                    evaluated = arr.len().min(list.len());
                }
                None => {}
            }
            match &k.additional_items {
                Some(Additional::Bool(false)) if evaluated != arr.len() => {
                    let n = arr.len() - evaluated;
                    self.add(f, Kind::Leaf, || {
                        format!("last {} additionalItem(s) not allowed", helm_int(n))
                    });
                }
                Some(Additional::Schema(s)) => {
                    for (i, item) in arr.iter().enumerate().skip(evaluated) {
                        let r = self.apply_to(f, *s, item, i.to_string());
                        Self::push(f, r);
                    }
                }
                _ => {}
            }
        } else {
            let evaluated = k.prefix_items.len().min(arr.len());
            for (i, (item, s)) in arr.iter().zip(&k.prefix_items).enumerate() {
                let r = self.apply_to(f, *s, item, i.to_string());
                Self::push(f, r);
            }
            if let Some(s) = k.items2020 {
                for (i, item) in arr.iter().enumerate().skip(evaluated) {
                    let r = self.apply_to(f, s, item, i.to_string());
                    Self::push(f, r);
                }
            }
        }
    }

    /// `contains` with `minContains`/`maxContains`.
    fn contains(&mut self, k: &'c Keywords, f: &mut Frame<'_>, arr: &[Value]) {
        if let Some(s) = k.contains {
            let mut errors = Vec::new();
            let mut matched = Vec::new();
            for (i, item) in arr.iter().enumerate() {
                match self.apply_to(f, s, item, i.to_string()) {
                    Err(e) => errors.push(e),
                    Ok(()) => {
                        matched.push(i);
                        if k.draft >= super::Draft::D2020 {
                            f.uneval.items.retain(|x| *x != i);
                        }
                    }
                }
            }
            let list = |m: &[usize]| m.iter().map(usize::to_string).collect::<Vec<_>>().join(" ");
            if let Some(min) = k.min_contains {
                if matched.len() < min {
                    let msg = if matched.is_empty() {
                        format!(
                            "min {min} items required to match contains schema, but none matched"
                        )
                    } else {
                        format!(
                            "min {} items required to match contains schema, but matched {} items at {}",
                            helm_int(min),
                            helm_int(matched.len()),
                            list(&matched)
                        )
                    };
                    self.add_with(f, errors, Kind::Combinator, || msg);
                }
            } else if matched.is_empty() {
                self.add_with(f, errors, Kind::Combinator, || {
                    "no items match contains schema".into()
                });
            }
            if let Some(max) = k.max_contains
                && matched.len() > max
            {
                self.add(f, Kind::Leaf, || {
                    format!(
                        "max {} items required to match contains schema, but matched {} items at {}",
                        helm_int(max),
                        helm_int(matched.len()),
                        list(&matched)
                    )
                });
            }
        }
    }

    fn string(&mut self, k: &'c Keywords, f: &mut Frame<'_>, s: &str) {
        if k.min_length.is_some() || k.max_length.is_some() {
            let len = s.chars().count();
            self.count_bounds(f, "Length", len, k.min_length, k.max_length);
        }
        if let Some((re, text)) = &k.pattern
            && !re.is_match(s)
        {
            self.add(f, Kind::Leaf, || {
                format!("{} does not match pattern {}", quote(s), quote(text))
            });
        }
    }

    fn number(&mut self, k: &'c Keywords, f: &mut Frame<'_>, n: &serde_json::Number) {
        let Some(num) = Decimal::of(n) else { return };
        let show = |d: &Decimal| helm_float(d.to_f64());
        type Fails = fn(std::cmp::Ordering) -> bool;
        let checks: [(&Option<Decimal>, &str, Fails); 4] = [
            (&k.minimum, "minimum", |o| o.is_lt()),
            (&k.maximum, "maximum", |o| o.is_gt()),
            (&k.exclusive_minimum, "exclusiveMinimum", |o| o.is_le()),
            (&k.exclusive_maximum, "exclusiveMaximum", |o| o.is_ge()),
        ];
        for (bound, name, fails) in checks {
            if let Some(b) = bound
                && fails(num.cmp(b))
            {
                self.add(f, Kind::Leaf, || {
                    format!("{name}: got {}, want {}", show(&num), show(b))
                });
            }
        }
        if let Some(m) = &k.multiple_of
            && !num.is_multiple_of(m)
        {
            self.add(f, Kind::Leaf, || {
                format!("multipleOf: got {}, want {}", show(&num), show(m))
            });
        }
    }

    fn conditionals(&mut self, k: &'c Keywords, f: &mut Frame<'_>) {
        if let Some(s) = k.not
            && self.apply_self(f, s, true).is_ok()
        {
            self.add(f, Kind::Leaf, || "'not' failed".into());
        }
        if !k.all_of.is_empty() {
            let mut errors = Vec::new();
            for &s in &k.all_of {
                if self.exhausted {
                    break;
                }
                if let Err(e) = self.apply_self(f, s, false) {
                    errors.push(e);
                    if f.bool_only {
                        break;
                    }
                }
            }
            if !errors.is_empty() {
                self.add_with(f, errors, Kind::Combinator, || "'allOf' failed".into());
            }
        }
        if !k.any_of.is_empty() {
            let mut matched = false;
            let mut errors = Vec::new();
            for &s in &k.any_of {
                if self.exhausted {
                    break;
                }
                match self.apply_self(f, s, false) {
                    Err(e) => errors.push(e),
                    Ok(()) => {
                        matched = true;
                        // unevaluated* need every branch evaluated.
                        if f.uneval.is_empty() {
                            break;
                        }
                    }
                }
            }
            if !matched {
                self.add_with(f, errors, Kind::Combinator, || "'anyOf' failed".into());
            }
        }
        if !k.one_of.is_empty() {
            let mut matched: Option<usize> = None;
            let mut errors = Vec::new();
            for (i, &s) in k.one_of.iter().enumerate() {
                if self.exhausted {
                    break;
                }
                match self.apply_self(f, s, matched.is_some()) {
                    Err(e) => {
                        if matched.is_none() {
                            errors.push(e);
                        }
                    }
                    Ok(()) => match matched {
                        None => matched = Some(i),
                        Some(first) => {
                            self.add(f, Kind::Leaf, || {
                                format!("'oneOf' failed, subschemas {first}, {i} matched")
                            });
                            break;
                        }
                    },
                }
            }
            if matched.is_none() {
                self.add_with(f, errors, Kind::Combinator, || {
                    "'oneOf' failed, none matched".into()
                });
            }
        }
        if let Some(s) = k.if_ {
            if self.apply_self(f, s, true).is_ok() {
                if let Some(t) = k.then {
                    let r = self.apply_self(f, t, false);
                    Self::push(f, r);
                }
            } else if let Some(e) = k.else_ {
                let r = self.apply_self(f, e, false);
                Self::push(f, r);
            }
        }
    }

    fn unevaluated(&mut self, k: &'c Keywords, f: &mut Frame<'_>) {
        if let (Some(s), Value::Object(obj)) = (k.unevaluated_properties, f.v) {
            let names = std::mem::take(&mut f.uneval.props);
            for name in names {
                if let Some(value) = obj.get(name) {
                    let r = self.apply_to(f, s, value, name.to_string());
                    Self::push(f, r);
                }
            }
        }
        if let (Some(s), Value::Array(arr)) = (k.unevaluated_items, f.v) {
            let items = std::mem::take(&mut f.uneval.items);
            for i in items {
                if let Some(item) = arr.get(i) {
                    let r = self.apply_to(f, s, item, i.to_string());
                    Self::push(f, r);
                }
            }
        }
    }
}

fn type_bit(v: &Value) -> u8 {
    match v {
        Value::Null => NULL,
        Value::Bool(_) => BOOLEAN,
        Value::Number(_) => NUMBER,
        Value::String(_) => STRING,
        Value::Array(_) => ARRAY,
        Value::Object(_) => OBJECT,
    }
}

fn type_name(bit: u8) -> &'static str {
    TYPE_NAMES
        .iter()
        .find(|(b, _)| *b == bit)
        .map_or("unknown", |(_, n)| n)
}

fn is_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || Decimal::of(n).is_some_and(|d| d.is_integer())
        }
        _ => false,
    }
}

/// JSON equality, numbers by value (1 == 1.0).
pub fn equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || matches!((Decimal::of(x), Decimal::of(y)), (Some(p), Some(q)) if p == q)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equals(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| equals(p, q)))
        }
        _ => a == b,
    }
}

/// The first pair of equal items (by the later one, then the earlier): pairwise when short,
/// by canonical form when long (linear, not quadratic, on long arrays).
fn duplicates(arr: &[Value]) -> Option<(usize, usize)> {
    if arr.len() <= 20 {
        for i in 1..arr.len() {
            for j in 0..i {
                if let (Some(a), Some(b)) = (arr.get(i), arr.get(j))
                    && equals(a, b)
                {
                    return Some((j, i));
                }
            }
        }
        return None;
    }
    let mut seen = std::collections::HashMap::with_capacity(arr.len());
    for (i, item) in arr.iter().enumerate() {
        let mut key = String::new();
        canonical(item, &mut key);
        if let Some(&j) = seen.get(&key) {
            return Some((j, i));
        }
        seen.insert(key, i);
    }
    None
}

fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Number(n) => match Decimal::of(n) {
            Some(d) => out.push_str(&format!("d{d:?}")),
            None => out.push_str(&format!("n{n}")),
        },
        Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(obj) => {
            let mut keys: Vec<&String> = obj.keys().collect();
            keys.sort();
            out.push('{');
            for key in keys {
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = obj.get(key) {
                    canonical(v, out);
                }
                out.push(',');
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The names of `names` that `obj` lacks (`required`, `dependentRequired`), in their order.
fn missing(obj: &serde_json::Map<String, Value>, names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| !obj.contains_key(n.as_str()))
        .cloned()
        .collect()
}

fn required_message(missing: &[String]) -> String {
    match missing {
        [one] => format!("missing property {}", quote(one)),
        _ => format!("missing properties {}", join_quoted(missing)),
    }
}

fn join_quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote(n))
        .collect::<Vec<_>>()
        .join(", ")
}
