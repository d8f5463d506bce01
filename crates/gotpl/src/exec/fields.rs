//! Recent map field lookups (`.Values.image.registry`), kept for one execution.
//!
//! A lookup in a `BTreeMap<String, _>` compares the name with several keys, each a call to
//! `memcmp`; the same field of the same map is read again and again (a chart's helpers read
//! `.Values.global` and `$.Release.Name` in every call). A small direct-mapped table remembers
//! the last lookups by map and name. Maps change in place only through the functions marked
//! `mutates` (`set`, `unset`, `merge…`), and each of those calls forgets the whole table; the
//! chart layer's change of `.Template` happens between executions, each with a table of its own.
//!
//! A slot holds its map weakly: the `dict` built for one `include` is read through the table
//! (`.context`, `.value`) and would otherwise live until the file is done. Such a map can be
//! large (a `dict` with an odd argument list has the printed chart root as a key: megabytes,
//! `.Files` printed whole), and each one kept alive made the next one fresh pages, each page a
//! fault. A weak reference keeps only the map's small shared box, so its address is not reused
//! while the slot names it: the same address is the same map.

use std::rc::{Rc, Weak};

use crate::ast::Name;
use crate::value::{MapRef, Value};

const SLOTS: usize = 256;

struct Slot {
    /// The table's generation when the slot was filled: older ones are forgotten.
    generation: u64,
    /// Compared by address only (see the module's comment).
    map: Weak<std::cell::RefCell<std::collections::BTreeMap<String, Value>>>,
    name: Name,
    value: Value,
}

#[derive(Default)]
pub(crate) struct Fields {
    slots: Vec<Option<Slot>>,
    generation: u64,
}

/// The slot of a map and a name: the map's address and the name's length and ends (the names
/// of one map differ there, and hashing the whole name would cost what the lookup saves).
fn index(map: &MapRef, name: &str) -> usize {
    let addr = Rc::as_ptr(map) as usize;
    let bytes = name.as_bytes();
    let first = bytes.first().copied().unwrap_or(0) as usize;
    let last = bytes.last().copied().unwrap_or(0) as usize;
    ((addr >> 4) ^ (addr >> 12) ^ (bytes.len() << 3) ^ (first << 1) ^ (last << 5)) % SLOTS
}

impl Fields {
    /// `map`'s value at `name`, looked up through the table.
    pub fn get(&mut self, map: &MapRef, name: &Name) -> Option<Value> {
        let i = index(map, name);
        if let Some(Some(s)) = self.slots.get(i)
            && s.generation == self.generation
            && std::ptr::eq(s.map.as_ptr(), Rc::as_ptr(map))
            && s.name == *name
        {
            return Some(s.value.clone());
        }
        let value = map.borrow().get(name.as_str()).cloned()?;
        if self.slots.is_empty() {
            self.slots.resize_with(SLOTS, || None);
        }
        if let Some(slot) = self.slots.get_mut(i) {
            let old = slot.replace(Slot {
                generation: self.generation,
                map: Rc::downgrade(map),
                name: name.clone(),
                value: value.clone(),
            });
            if let Some(old) = old {
                drop_slot(old);
            }
        }
        Some(value)
    }

    /// A map may have changed in place: every slot filled so far is stale (and is dropped
    /// when it is filled again).
    pub fn forget(&mut self) {
        self.generation += 1;
    }
}

/// The table may be the last holder of a value nested deeper than a recursive drop could go.
fn drop_slot(s: Slot) {
    s.value.drop_iteratively();
}

impl Drop for Fields {
    fn drop(&mut self) {
        for old in self.slots.drain(..).flatten() {
            drop_slot(old);
        }
    }
}
