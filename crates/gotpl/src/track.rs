//! Which values a render read: the chart layer registers the maps of `.Values` (and the dots,
//! which are "opaque": consuming a dot whole does not consume `.Values`), installs a [`Tracker`]
//! on the rendering thread, and afterwards asks, for each registered map, which of its keys a
//! template read and whether the whole map was consumed.
//!
//! A key is read when a template looks it up: a field (`.Values.image.tag`), `index`, `get`,
//! `hasKey`, `dig`, `pluck`, `pick`. A map is consumed whole when it is ranged over, printed, or
//! passed to any other function (`toYaml`, `toJson`, `merge`, `deepCopy`, `keys`, …), except the
//! ones that only carry it along ([`CARRIES`]: `include`'s `dict`, `default`, `ternary`, …), whose
//! result is followed by the later lookups. Consuming a map whole consumes the registered maps
//! inside it too (a `dict` holding `.Values.x` handed to `toYaml`).
//!
//! Off (no tracker installed), every hook is one thread-local flag test.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::{Rc, Weak};

use crate::value::{MapRef, Value};

/// Functions that take a map without reading it: they pass it on (`default`, `ternary`,
/// `dict`, `list`, `set`), test it as a whole (`empty`, `len`, `kindIs`), or read one key, which
/// [`call`] records itself (`get`, `index`, `hasKey`, `dig`, `pluck`, `pick`).
pub const CARRIES: &[&str] = &[
    "append",
    "coalesce",
    "compact",
    "concat",
    "default",
    "deepEqual",
    "dict",
    "dig",
    "empty",
    "eq",
    "first",
    "get",
    "has",
    "hasKey",
    "index",
    "initial",
    "kindIs",
    "kindOf",
    "last",
    "len",
    "list",
    "mustAppend",
    "mustCompact",
    "mustFirst",
    "mustHas",
    "mustInitial",
    "mustLast",
    "mustPrepend",
    "mustRest",
    "mustReverse",
    "mustSlice",
    "mustUniq",
    "mustWithout",
    "ne",
    "not",
    "pick",
    "pluck",
    "prepend",
    "rest",
    "reverse",
    "set",
    "slice",
    "ternary",
    "tuple",
    "typeIs",
    "typeIsLike",
    "typeOf",
    "uniq",
    "unset",
    "without",
];

/// How many containers one whole-consumption visits outside registered maps (values a template
/// built, which can share themselves any number of times).
const VISIT_BUDGET: usize = 10_000;

/// A multiplicative hash: the keys are pointers and short names, looked up on every field
/// access while tracking.
#[derive(Default)]
pub struct Fx(u64);

impl Hasher for Fx {
    /// The product's high bits are its well-mixed ones; the table takes its bucket from the low
    /// bits, which for aligned addresses would be zero (rustc-hash does the same).
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
    /// Eight bytes a step (names and texts, hashed on every function call and `include`).
    fn write(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*word));
            rest = tail;
        }
        if let Some((word, tail)) = rest.split_first_chunk::<4>() {
            self.add(u64::from(u32::from_le_bytes(*word)));
            rest = tail;
        }
        for &b in rest {
            self.add(u64::from(b));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub type FxBuild = BuildHasherDefault<Fx>;

/// One registered map.
struct Entry {
    opaque: bool,
    whole: bool,
    keys: HashSet<Box<str>, FxBuild>,
    /// Keeps the allocation (not the map) alive, so no other map can take its address.
    _pin: Weak<RefCell<std::collections::BTreeMap<String, Value>>>,
}

/// The maps being watched and what was read of them.
#[derive(Default)]
pub struct Tracker {
    by_ptr: HashMap<usize, usize, FxBuild>,
    entries: Vec<Entry>,
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Watches a map; returns its number (registration order). A map registered twice keeps
    /// its first number.
    pub fn watch(&mut self, map: &MapRef) -> usize {
        self.register(map, false)
    }

    /// A map whose whole consumption stops there (a template's dot): `toYaml $` is rare, and
    /// `include "x" (dict "context" $)` passed on must not count as reading every value.
    pub fn opaque(&mut self, map: &MapRef) {
        self.register(map, true);
    }

    fn register(&mut self, map: &MapRef, opaque: bool) -> usize {
        let ptr = Rc::as_ptr(map) as usize;
        let next = self.entries.len();
        let id = *self.by_ptr.entry(ptr).or_insert(next);
        if id == next {
            self.entries.push(Entry {
                opaque,
                whole: false,
                keys: HashSet::default(),
                _pin: Rc::downgrade(map),
            });
        }
        id
    }

    /// Whether the map numbered `id` was consumed whole.
    pub fn whole(&self, id: usize) -> bool {
        self.entries.get(id).is_some_and(|e| e.whole)
    }

    /// Whether a template looked up `key` in the map numbered `id` (present or not).
    pub fn key_read(&self, id: usize, key: &str) -> bool {
        self.entries.get(id).is_some_and(|e| e.keys.contains(key))
    }

    /// The keys looked up in the map numbered `id`, sorted.
    pub fn keys_read(&self, id: usize) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .entries
            .get(id)
            .map(|e| e.keys.iter().map(|k| &**k).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        keys
    }

    fn read_key(&mut self, map: &MapRef, key: &str) {
        let ptr = Rc::as_ptr(map) as usize;
        if let Some(e) = self.by_ptr.get(&ptr).and_then(|&i| self.entries.get_mut(i))
            && !e.opaque
            && !e.keys.contains(key)
        {
            e.keys.insert(key.into());
        }
    }

    fn read_whole(&mut self, value: &Value) {
        let mut budget = VISIT_BUDGET;
        let mut stack: Vec<Value> = vec![value.clone()];
        while let Some(v) = stack.pop() {
            match v {
                Value::Map(m) => {
                    let ptr = Rc::as_ptr(&m) as usize;
                    match self.by_ptr.get(&ptr).and_then(|&i| self.entries.get_mut(i)) {
                        Some(e) if e.opaque || e.whole => continue,
                        Some(e) => {
                            // Registered maps inside are registered too (or aliased in by
                            // `set`): each is marked once, so this walk is paid once per map.
                            e.whole = true;
                            stack.extend(
                                m.borrow()
                                    .values()
                                    .filter(|c| matches!(c, Value::Map(_)))
                                    .cloned(),
                            );
                        }
                        None => {
                            if budget == 0 {
                                continue;
                            }
                            budget -= 1;
                            stack.extend(m.borrow().values().cloned());
                        }
                    }
                }
                Value::List(l) => {
                    if budget == 0 {
                        continue;
                    }
                    budget -= 1;
                    stack.extend(
                        l.items
                            .borrow()
                            .iter()
                            .filter(|c| matches!(c, Value::Map(_) | Value::List(_)))
                            .cloned(),
                    );
                }
                _ => {}
            }
        }
    }
}

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static TRACKER: RefCell<Option<Tracker>> = const { RefCell::new(None) };
}

/// Installs `tracker` on this thread: renders on this thread record their reads into it until
/// [`finish`].
pub fn start(tracker: Tracker) {
    TRACKER.with(|t| *t.borrow_mut() = Some(tracker));
    ON.with(|on| on.set(true));
}

/// Removes this thread's tracker and returns it.
pub fn finish() -> Option<Tracker> {
    ON.with(|on| on.set(false));
    TRACKER.with(|t| t.borrow_mut().take())
}

fn on() -> bool {
    ON.with(Cell::get)
}

/// Whether a tracker records this thread's reads (a reused result would skip them).
pub(crate) fn recording() -> bool {
    on()
}

fn with(f: impl FnOnce(&mut Tracker)) {
    TRACKER.with(|t| {
        if let Ok(mut t) = t.try_borrow_mut()
            && let Some(t) = t.as_mut()
        {
            f(t);
        }
    });
}

/// Registers `map` as opaque (see [`Tracker::opaque`]) in this thread's tracker, if any: the
/// chart layer builds the dots after installing it.
pub fn opaque(map: &MapRef) {
    if on() {
        with(|t| t.opaque(map));
    }
}

/// A template looked up `key` in `map`.
#[inline]
pub fn read_key(map: &MapRef, key: &str) {
    if on() {
        with(|t| t.read_key(map, key));
    }
}

/// A template consumed `value` whole (ranged over it, printed it).
#[inline]
pub fn read_whole(value: &Value) {
    if on() && matches!(value, Value::Map(_) | Value::List(_)) {
        with(|t| t.read_whole(value));
    }
}

/// A function is called with `args`: key lookups are recorded as such, maps handed to functions
/// that are not in [`CARRIES`] are consumed whole.
#[inline]
pub fn call(name: &str, args: &[Value]) {
    if on()
        && args
            .iter()
            .any(|a| matches!(a, Value::Map(_) | Value::List(_)))
    {
        with(|t| call_tracked(t, name, args));
    }
}

fn call_tracked(t: &mut Tracker, name: &str, args: &[Value]) {
    let key_at = |i: usize| args.get(i).and_then(Value::as_str);
    match name {
        "get" | "hasKey" => {
            if let (Some(Value::Map(m)), Some(k)) = (args.first(), key_at(1)) {
                t.read_key(m, k);
            }
        }
        "pick" => {
            if let Some(Value::Map(m)) = args.first() {
                for k in args.iter().skip(1).filter_map(Value::as_str) {
                    t.read_key(m, k);
                }
            }
        }
        "pluck" => {
            if let Some(k) = key_at(0) {
                for m in args.iter().skip(1) {
                    if let Value::Map(m) = m {
                        t.read_key(m, k);
                    }
                }
            }
        }
        // `index m "a" "b"`: a path from the first argument.
        "index" => {
            if let Some(first) = args.first() {
                path(t, first.clone(), args.iter().skip(1));
            }
        }
        // `dig "a" "b" default m`: a path from the last argument.
        "dig" if args.len() >= 3 => {
            if let Some(last) = args.last() {
                path(t, last.clone(), args.iter().take(args.len() - 2));
            }
        }
        _ if CARRIES.contains(&name) => {}
        _ => {
            for a in args {
                t.read_whole(a);
            }
        }
    }
}

fn path<'a>(t: &mut Tracker, mut at: Value, keys: impl Iterator<Item = &'a Value>) {
    for k in keys {
        let (Value::Map(m), Some(k)) = (&at, k.as_str()) else {
            return;
        };
        t.read_key(m, k);
        let next = m.borrow().get(k).cloned().unwrap_or_default();
        at = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::{ExecEnv, Templates};
    use std::collections::BTreeMap;

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn mref(v: &Value) -> MapRef {
        match v {
            Value::Map(m) => m.clone(),
            _ => panic!("not a map"),
        }
    }

    /// Renders `src` with `.Values` = {image: {tag, repo}, extra: {a}} and reports, per map,
    /// the keys read and whether it was consumed whole.
    fn reads(src: &str) -> (String, String, String) {
        let image = map(vec![("tag", Value::str("1")), ("repo", Value::str("r"))]);
        let extra = map(vec![("a", Value::str("x"))]);
        let values = map(vec![("image", image.clone()), ("extra", extra.clone())]);
        let dot = map(vec![("Values", values.clone())]);
        let mut tracker = Tracker::new();
        tracker.opaque(&mref(&dot));
        let ids = [
            tracker.watch(&mref(&values)),
            tracker.watch(&mref(&image)),
            tracker.watch(&mref(&extra)),
        ];
        let mut t = Templates::new();
        t.add_file("t", src).unwrap();
        start(tracker);
        let r = t.execute("t", dot, &mut ExecEnv::new());
        let tracker = finish().unwrap();
        r.unwrap();
        let show = |id| {
            format!(
                "{}{}",
                tracker.keys_read(id).join(","),
                if tracker.whole(id) { " whole" } else { "" }
            )
        };
        (show(ids[0]), show(ids[1]), show(ids[2]))
    }

    #[test]
    fn fields_and_lookups_read_keys() {
        assert_eq!(
            reads("{{ .Values.image.tag }}"),
            ("image".into(), "tag".into(), "".into())
        );
        assert_eq!(
            reads(r#"{{ index .Values "extra" "a" }}{{ hasKey .Values.image "repo" }}"#),
            ("extra,image".into(), "repo".into(), "a".into())
        );
        assert_eq!(
            reads(r#"{{ dig "image" "tag" "" .Values }}{{ get .Values "nope" }}"#),
            ("image,nope".into(), "tag".into(), "".into())
        );
    }

    #[test]
    fn consuming_functions_read_the_whole_map() {
        assert_eq!(
            reads("{{ toYaml .Values.image }}"),
            ("image".into(), " whole".into(), "".into())
        );
        // Through a dict built in the template, and through range.
        assert_eq!(
            reads(r#"{{ toJson (dict "x" .Values.extra) }}{{ range .Values.image }}{{ end }}"#),
            ("extra,image".into(), " whole".into(), " whole".into())
        );
        // Consuming `.Values` whole reaches every map in it.
        assert_eq!(
            reads("{{ .Values }}"),
            (" whole".into(), " whole".into(), " whole".into())
        );
    }

    #[test]
    fn carrying_a_map_or_the_dot_reads_nothing() {
        assert_eq!(
            reads(
                r#"{{ $x := default (dict) .Values.extra }}{{ if empty .Values.image }}{{ end }}{{ toYaml (dict "ctx" $) }}"#
            ),
            ("extra,image".into(), "".into(), "".into())
        );
    }

    #[test]
    fn without_a_tracker_nothing_is_recorded() {
        let values = map(vec![("a", Value::str("x"))]);
        read_key(&mref(&values), "a");
        read_whole(&values);
        assert!(finish().is_none());
    }
}
