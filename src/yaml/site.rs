//! Where an alias-expanded node's alias was written, in three bytes of the node.
//!
//! Few nodes come from an alias, but every node needs room to say so: an inline `Option<Span>`
//! made each node 16 bytes larger and a `Option<Box<Span>>` 8 (issue 19: the node structs are the
//! largest part of a CRD-heavy run's memory, and the trees are what its page faults zero). The
//! three bytes that padding leaves after the style name an entry of one process-wide table of
//! sites instead. The table interns: a site is stored once however many nodes (the whole copy
//! of an anchored tree) and runs (a chart rendered again and again) name it, so it grows with
//! the distinct alias sites the process has seen, never with the nodes.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use crate::source::Span;

/// The alias site of a node, or none (see the module docs).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AliasSite([u8; 3]);

/// Index 0 is "no alias"; the last index stands for every site past the table's room, which
/// then reads as none (the node's own span is used, as for a node not from an alias).
const FULL: u32 = (1 << 24) - 1;

#[derive(Default)]
struct Table {
    sites: Vec<Span>,
    index: HashMap<Span, u32>,
}

static TABLE: Mutex<Option<Table>> = Mutex::new(None);

impl AliasSite {
    pub const NONE: AliasSite = AliasSite([0; 3]);

    /// The entry for `site`, added to the table if new.
    pub fn new(site: Span) -> AliasSite {
        let mut guard = TABLE.lock().unwrap_or_else(PoisonError::into_inner);
        let table = guard.get_or_insert_with(Table::default);
        let next = u32::try_from(table.sites.len() + 1)
            .unwrap_or(FULL)
            .min(FULL);
        let index = match table.index.get(&site) {
            Some(&index) => index,
            None if next < FULL => {
                table.sites.push(site);
                table.index.insert(site, next);
                next
            }
            None => FULL,
        };
        let [a, b, c, _] = index.to_le_bytes();
        AliasSite([a, b, c])
    }

    fn index(self) -> u32 {
        let [a, b, c] = self.0;
        u32::from_le_bytes([a, b, c, 0])
    }

    pub fn is_none(self) -> bool {
        self == AliasSite::NONE
    }

    /// The alias's span; `None` for a node not from an alias.
    pub fn get(self) -> Option<Span> {
        let index = self.index();
        if index == 0 || index == FULL {
            return None;
        }
        let guard = TABLE.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = usize::try_from(index - 1).ok()?;
        guard.as_ref()?.sites.get(slot).copied()
    }

    /// The same site with its span passed through `f` (a tree moved to another file).
    pub fn map(self, f: impl FnOnce(Span) -> Span) -> AliasSite {
        self.get().map_or(self, |site| AliasSite::new(f(site)))
    }
}

/// As the `Option<Span>` it stands for.
impl fmt::Debug for AliasSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn a_site_reads_back_and_is_stored_once() {
        let span = Span::new(FileId(7), 3, 9);
        let site = AliasSite::new(span);
        assert_eq!(site.get(), Some(span));
        assert_eq!(AliasSite::new(span), site);
        assert_ne!(AliasSite::new(Span::new(FileId(7), 3, 10)), site);
        assert!(AliasSite::NONE.get().is_none() && AliasSite::NONE.is_none());
        let moved = site.map(|s| Span {
            file: FileId(8),
            ..s
        });
        assert_eq!(moved.get(), Some(Span::new(FileId(8), 3, 9)));
        assert_eq!(format!("{:?}", AliasSite::NONE), "None");
    }
}
