//! Results of `include` kept for the rest of a chart's execution: bitnami charts include the
//! same helpers (`common.names.fullname`, `common.labels.standard`, image names) with the same
//! arguments many times per file and in every file, and each of those renders a tree of nested
//! includes.
//!
//! An include's string is a function of its template and its argument as long as nothing else
//! it can see changes. What could:
//! - a map reachable from the argument: Sprig's `set`, `unset` and `merge*` mutate in place.
//!   Before each such call the maps and lists the changed map reaches are looked up among those
//!   the kept arguments reach, and a hit forgets every kept result. An include executing is not
//!   kept if it changes a map older than itself (a reuse would skip the change); maps that
//!   functions made while it executed (`dict`, `fromYaml`: `merge` on them is common) are its
//!   own. Objects (`.Capabilities`, `.Files`) lend no map a template could change;
//! - the dot's `.Template`, which the chart layer sets in place before each file: a result is
//!   kept for other files only if its execution read no field named `Template`, ranged over no
//!   map holding that key, and gave no function, method or print a value reaching a chart's
//!   dot (a map with a `Template` or `Subcharts` key; `dict` and `list` only store their
//!   arguments); otherwise it is kept for the file that made it;
//! - the run's random generator (an execution that draws from it is not kept), `lookup`
//!   (recorded per call: not kept), `tpl` definitions in scope (no memo inside a `tpl` string),
//!   the read tracker (no memo while it records).
//!
//! A kept result is reused with the work units, nesting levels and stack its execution used,
//! so limits fail where they did: when the rest of the budget would not cover it, the include
//! executes again. Its output origins are kept with it.
//!
//! Arguments are compared shallowly: the same map or list (for maps and small lists built for
//! the call, `dict "context" $ …`, the same keys and, one level down, the same values), equal
//! scalars of the same Go type, equal strings.

use std::rc::Rc;

use super::Entry;
use super::output::Origin;
use crate::value::Value;

/// A kept string's output origins.
pub(crate) type Runs = Option<Rc<[Origin]>>;

/// What one kept execution used, so a reuse spends the same.
#[derive(Clone, Copy)]
pub(crate) struct Cost {
    pub fuel: u64,
    /// Whether the execution may have read `.Template` (a reuse inside another include taints
    /// that one as the execution did).
    pub read_template: bool,
    /// Template and nesting levels below the include's own.
    pub depth: u32,
    /// Stack bytes below the include's caller.
    pub stack: usize,
}

struct Kept {
    /// Holds the tree, so its address (the key) is not reused while kept.
    _entry: Entry,
    dot: Value,
    result: Value,
    runs: Runs,
    cost: Cost,
    /// The execution it may be reused in; `None`: any.
    only_in: Option<u64>,
}

/// Kept results per template (by its tree's address), most recent last.
#[derive(Default)]
pub(crate) struct Memo {
    map: super::FxMap<usize, Vec<Kept>>,
    len: usize,
    /// Maps and lists that reach no dot (see [`Memo::reaches_dot`]), by address; held, so
    /// that the address stays theirs.
    clean: super::FxMap<usize, Value>,
    /// The maps and lists made by the executing includes that kept arguments reach, by address
    /// (see [`Memo::mutated`]).
    reached: std::collections::HashSet<usize, crate::track::FxBuild>,
    /// Set when `reached` would pass its bound: any change then forgets everything.
    reached_all: bool,
}

/// Results kept per template: a helper called with many different arguments (one per
/// container, per port) keeps the latest ones.
const PER_TEMPLATE: usize = 8;
/// Results kept in all.
const MAX_KEPT: usize = 1 << 12;
/// Containers known clean, at most.
const MAX_CLEAN: usize = 1 << 14;
/// Containers the kept arguments reach, at most.
const MAX_REACHED: usize = 1 << 16;
/// Entries one look for a dot may visit (past it: assumed found).
const WALK_BUDGET: usize = 1 << 16;
/// Entries of a map or list built for the call that are compared one by one.
const MAX_COMPARED: usize = 16;
/// Bytes of keys and strings an argument kept may hold in its first level (see [`held_bytes`]).
const MAX_HELD_BYTES: usize = 1 << 16;

/// Bytes of the keys and strings in the first level of a map built for the call: kept with
/// the result, they stay in memory as long as it. A `dict` with an odd argument list has the
/// printed chart root as a key (envoy-gateway: megabytes, `.Files` printed whole), and eight
/// of those kept per template were most of the process's memory.
fn held_bytes(dot: &Value) -> usize {
    let Value::Map(m) = dot else { return 0 };
    m.borrow()
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum()
}

fn key(entry: &Entry) -> usize {
    std::sync::Arc::as_ptr(&entry.tree) as usize
}

impl Memo {
    /// A kept result of `entry` with `dot`, reusable in `execution`.
    pub fn get(&self, entry: &Entry, dot: &Value, execution: u64) -> Option<(Value, Runs, Cost)> {
        let kept = self.map.get(&key(entry))?;
        kept.iter()
            .rev()
            .find(|k| k.only_in.is_none_or(|e| e == execution) && same(&k.dot, dot, 1))
            .map(|k| (k.result.clone(), k.runs.clone(), k.cost))
    }

    pub fn insert(
        &mut self,
        entry: &Entry,
        dot: Value,
        result: (Value, Runs),
        cost: Cost,
        only_in: Option<u64>,
        fresh: &super::FxMap<usize, u64>,
    ) {
        if self.len >= MAX_KEPT || held_bytes(&dot) > MAX_HELD_BYTES {
            dot.drop_iteratively();
            return;
        }
        self.reach(&dot, fresh);
        let kept = self.map.entry(key(entry)).or_default();
        if kept.len() >= PER_TEMPLATE {
            let old = kept.remove(0);
            old.dot.drop_iteratively();
            self.len -= 1;
        }
        kept.push(Kept {
            _entry: entry.clone(),
            dot,
            result: result.0,
            runs: result.1,
            cost,
            only_in,
        });
        self.len += 1;
    }

    /// Adds the maps and lists made by the executing includes (`fresh`) that `dot` reaches to
    /// `reached`; any change to one that was not made so forgets everything anyway.
    fn reach(&mut self, dot: &Value, fresh: &super::FxMap<usize, u64>) {
        let mut budget = WALK_BUDGET;
        let mut stack = vec![dot.clone()];
        while let Some(v) = stack.pop() {
            let Some(addr) = address(&v) else { continue };
            if self.reached_all || !fresh.contains_key(&addr) || !self.reached.insert(addr) {
                continue;
            }
            if self.reached.len() > MAX_REACHED {
                self.reached_all = true;
                return;
            }
            let before = stack.len();
            match &v {
                Value::Map(m) => {
                    stack.extend(m.borrow().values().filter(|v| is_container(v)).cloned())
                }
                Value::List(l) => {
                    stack.extend(l.items.borrow().iter().filter(|v| is_container(v)).cloned());
                }
                _ => {}
            }
            let Some(rest) = budget.checked_sub((stack.len() - before).max(1)) else {
                self.reached_all = true;
                return;
            };
            budget = rest;
        }
    }

    /// The executing includes are done: what they made is no longer theirs, and a change to
    /// it forgets everything.
    pub fn end_fresh(&mut self) {
        self.reached.clear();
        self.reached_all = false;
    }

    /// `target` (and maybe the maps and lists in it) is about to change: kept results whose
    /// arguments may reach any of them are forgotten (all of them, unless each changed map was
    /// made by the executing includes and no kept argument reaches it). Returns the oldest of them by when a function
    /// made it (`fresh`, see [`super::state::State::note_fresh`]; 0: not made by one).
    /// `adds_dot`: whether what the change puts in may reach a dot; if not, no map found clean
    /// stops being clean, whatever changes.
    pub fn mutated(
        &mut self,
        target: &Value,
        fresh: &super::FxMap<usize, u64>,
        adds_dot: bool,
    ) -> u64 {
        let mut budget = WALK_BUDGET;
        let mut oldest = u64::MAX;
        let mut seen = std::collections::HashSet::<usize, crate::track::FxBuild>::default();
        let mut stack = vec![target.clone()];
        let (mut touched, mut dirty) = (false, false);
        while let Some(v) = stack.pop() {
            let Some(addr) = address(&v) else { continue };
            if !seen.insert(addr) {
                continue;
            }
            let made = fresh.get(&addr).copied();
            touched |= made.is_none() || self.reached_all || self.reached.contains(&addr);
            dirty |= self.clean.contains_key(&addr);
            oldest = oldest.min(made.unwrap_or(0));
            let before = stack.len();
            match &v {
                Value::Map(m) => {
                    stack.extend(m.borrow().values().filter(|v| is_container(v)).cloned())
                }
                Value::List(l) => {
                    stack.extend(l.items.borrow().iter().filter(|v| is_container(v)).cloned())
                }
                _ => {}
            }
            let Some(rest) = budget.checked_sub((stack.len() - before).max(1)) else {
                (touched, dirty) = (true, true);
                oldest = 0;
                break;
            };
            budget = rest;
        }
        if touched {
            self.forget_kept();
        }
        if dirty && adds_dot {
            // A map found clean may be given a dot. Maps not found clean are reached by none
            // that is (a walk that finds a map clean finds what it reaches clean too), so a
            // change to them leaves the clean ones clean.
            self.forget_clean();
        }
        oldest
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.forget_clean();
        self.forget_kept();
    }

    /// Forgets every kept result (a map their arguments may reach may have changed).
    fn forget_kept(&mut self) {
        self.reached.clear();
        self.reached_all = false;
        if self.len == 0 {
            return;
        }
        for (_, kept) in self.map.drain() {
            for k in kept {
                k.dot.drop_iteratively();
            }
        }
        self.len = 0;
    }

    /// Forgets which maps reach no dot. (The chart layer's change before each file, a new
    /// `.Template`, is made in a dot, which no clean map reaches.)
    fn forget_clean(&mut self) {
        for (_, v) in self.clean.drain() {
            v.drop_iteratively();
        }
    }

    /// Whether any of `values` reaches a chart's dot (a map with a `Template` or `Subcharts`
    /// key), whose `.Template` a function given it could read. Maps and lists found clean are
    /// remembered until one of them changes, so that `.Values`, handed to functions again
    /// and again, is walked once.
    pub fn reaches_dot(&mut self, values: &[Value]) -> bool {
        // The usual case, without building a walk: scalars, and containers already known clean
        // (`.Values` and what is in it, handed to function after function).
        if values
            .iter()
            .all(|v| address(v).is_none_or(|a| self.clean.contains_key(&a)))
        {
            return false;
        }
        let mut budget = WALK_BUDGET;
        let mut stack: Vec<Value> = values.iter().filter(|v| is_container(v)).cloned().collect();
        let mut seen = Vec::new();
        while let Some(v) = stack.pop() {
            let addr = match &v {
                Value::Map(m) => Rc::as_ptr(m) as usize,
                Value::List(l) => Rc::as_ptr(&l.items) as usize,
                _ => continue,
            };
            if self.clean.contains_key(&addr) {
                continue;
            }
            match &v {
                Value::Map(m) => {
                    let m = m.borrow();
                    if is_dot(&m) {
                        return true;
                    }
                    let Some(rest) = budget.checked_sub(m.len()) else {
                        return true;
                    };
                    budget = rest;
                    stack.extend(m.values().filter(|v| is_container(v)).cloned());
                }
                Value::List(l) => {
                    let items = l.items.borrow();
                    let Some(rest) = budget.checked_sub(items.len()) else {
                        return true;
                    };
                    budget = rest;
                    stack.extend(items.iter().filter(|v| is_container(v)).cloned());
                }
                _ => {}
            }
            seen.push((addr, v));
        }
        if self.clean.len() + seen.len() <= MAX_CLEAN {
            self.clean.extend(seen);
        }
        false
    }
}

/// The memo is often the last owner of a `dict` built for a call: dropped without recursion.
impl Drop for Memo {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Whether a map is a chart's dot (the chart layer's: `.Subcharts` from the start, `.Template`
/// set before each file).
pub(crate) fn is_dot(m: &std::collections::BTreeMap<String, Value>) -> bool {
    m.contains_key("Template") || m.contains_key("Subcharts")
}

fn address(v: &Value) -> Option<usize> {
    match v {
        Value::Map(m) => Some(Rc::as_ptr(m) as usize),
        Value::List(l) => Some(Rc::as_ptr(&l.items) as usize),
        _ => None,
    }
}

fn is_container(v: &Value) -> bool {
    matches!(v, Value::Map(_) | Value::List(_))
}

/// Whether an include with `b` renders what it rendered with `a` (see the module doc).
/// `depth`: levels of fresh maps and lists compared by their entries.
fn same(a: &Value, b: &Value, depth: u32) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Uint8(x), Value::Uint8(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => Rc::ptr_eq(x, y) || x == y,
        (Value::Bytes(x), Value::Bytes(y)) => Rc::ptr_eq(x, y) || x == y,
        (Value::List(x), Value::List(y)) => {
            if x.elem != y.elem || x.nil != y.nil {
                return false;
            }
            if Rc::ptr_eq(&x.items, &y.items) {
                return true;
            }
            let (xs, ys) = (x.items.borrow(), y.items.borrow());
            depth > 0
                && xs.len() == ys.len()
                && xs.len() <= MAX_COMPARED
                && xs.iter().zip(ys.iter()).all(|(p, q)| same(p, q, depth - 1))
        }
        (Value::Map(x), Value::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (xs, ys) = (x.borrow(), y.borrow());
            depth > 0
                && xs.len() == ys.len()
                && xs.len() <= MAX_COMPARED
                && xs
                    .iter()
                    .zip(ys.iter())
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy, depth - 1))
        }
        (Value::Object(x), Value::Object(y)) => std::ptr::addr_eq(Rc::as_ptr(x), Rc::as_ptr(y)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::map_of(entries)
    }

    #[test]
    fn held_bytes_count_first_level_keys_and_strings() {
        let inner = map(&[("deep", Value::str(&"x".repeat(100)))]);
        let dot = map(&[
            ("ab", Value::str("cde")),
            ("f", inner),
            ("g", Value::Int(7)),
        ]);
        assert_eq!(held_bytes(&dot), 2 + 3 + 1 + 1);
        assert_eq!(held_bytes(&Value::str("not a map")), 0);
    }

    #[test]
    fn arguments_compare_by_type_value_and_identity() {
        let root = map(&[("Values", map(&[]))]);
        let other_root = map(&[("Values", map(&[]))]);
        // A dict built for each call: the same keys and the same root.
        let a = map(&[("context", root.clone()), ("n", Value::Int(1))]);
        let b = map(&[("context", root.clone()), ("n", Value::Int(1))]);
        assert!(same(&a, &b, 1));
        // Another root with equal contents is another map (set could change one of them).
        let c = map(&[("context", other_root), ("n", Value::Int(1))]);
        assert!(!same(&a, &c, 1));
        // Go types count: int is not int64, float bits are compared.
        let d = map(&[("context", root.clone()), ("n", Value::Int64(1))]);
        assert!(!same(&a, &d, 1));
        assert!(!same(&Value::Float(0.0), &Value::Float(-0.0), 1));
        assert!(same(&Value::str("x"), &Value::str("x"), 0));
        // Fresh maps below the first level are not looked into.
        let e = map(&[("inner", map(&[("context", root.clone())]))]);
        let f = map(&[("inner", map(&[("context", root.clone())]))]);
        assert!(!same(&e, &f, 1));
        assert!(same(&e, &e.clone(), 1));
    }

    #[test]
    fn dots_are_found_through_maps_and_lists_or_assumed() {
        let mut memo = Memo::default();
        let root = map(&[("Template", map(&[])), ("Values", map(&[]))]);
        let wrapped = Value::list(vec![map(&[("context", root.clone())])]);
        assert!(memo.reaches_dot(&[Value::Int(1), wrapped]));
        let subchart = map(&[("Subcharts", map(&[])), ("Values", map(&[]))]);
        assert!(memo.reaches_dot(&[map(&[("sub", subchart)])]));
        let values = map(&[("a", map(&[("b", Value::Int(1))]))]);
        assert!(!memo.reaches_dot(&[values.clone(), Value::str("Template")]));
        assert_eq!(memo.clean.len(), 2, "the map and the one in it");
        assert!(!memo.reaches_dot(std::slice::from_ref(&values)));
        // A change that puts in nothing reaching a dot leaves clean maps clean; one that may
        // put a dot in forgets them all.
        let fresh = super::super::FxMap::default();
        memo.mutated(&values, &fresh, false);
        assert_eq!(memo.clean.len(), 2);
        memo.mutated(&values, &fresh, true);
        assert!(memo.clean.is_empty());
        assert!(!memo.reaches_dot(&[values]));
        let big = Value::list((0..WALK_BUDGET as i64 + 1).map(Value::Int).collect());
        assert!(memo.reaches_dot(&[big]));
        memo.clear();
        assert!(memo.clean.is_empty());
    }
}
