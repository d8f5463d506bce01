//! A growable list whose entries never move: [`crate::source::SourceMap`]'s files.
//!
//! A `Vec` grown by doubling copies every entry into a fresh allocation at each step. A source
//! file's entry is a few hundred bytes and a folder of rendered streams has thousands of
//! sections, so the copies were fresh pages, ~140–190 page faults of a lint run's ~3,500, made
//! while the inputs load (issue 19). Here the list is chunks of doubling sizes, each allocated
//! once at its size: an entry is written once, where it stays.

/// Entries of the first chunk; chunk `k` holds `FIRST << k`.
const FIRST: usize = 32;

#[derive(Debug)]
pub(super) struct Chunks<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

/// The chunk and the place in it of entry `i`.
fn place(i: usize) -> (usize, usize) {
    // Chunks `0..k` hold `FIRST * (2^k - 1)` entries.
    let k = (i / FIRST + 1).ilog2() as usize;
    (k, i - FIRST * ((1 << k) - 1))
}

impl<T> Chunks<T> {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn push(&mut self, value: T) {
        let (k, _) = place(self.len);
        if self.chunks.len() <= k {
            self.chunks.push(Vec::with_capacity(FIRST << k));
        }
        if let Some(chunk) = self.chunks.get_mut(k) {
            // A chunk that was cloned has no spare room: given its full size once.
            chunk.reserve_exact((FIRST << k).saturating_sub(chunk.len()));
            chunk.push(value);
            self.len += 1;
        }
    }

    pub(super) fn get(&self, i: usize) -> Option<&T> {
        let (k, at) = place(i);
        self.chunks.get(k)?.get(at)
    }

    pub(super) fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let (k, at) = place(i);
        self.chunks.get_mut(k)?.get_mut(at)
    }

    pub(super) fn last_mut(&mut self) -> Option<&mut T> {
        let last = self.len.checked_sub(1)?;
        self.get_mut(last)
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

impl<T> Default for Chunks<T> {
    fn default() -> Chunks<T> {
        Chunks {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone> Clone for Chunks<T> {
    fn clone(&self) -> Chunks<T> {
        Chunks {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_index_and_their_address() {
        let mut list = Chunks::default();
        let mut addresses = Vec::new();
        for i in 0..1000usize {
            list.push(i);
            addresses.push(list.get(i).unwrap() as *const usize);
        }
        assert_eq!(list.len(), 1000);
        for (i, &address) in addresses.iter().enumerate() {
            assert_eq!(list.get(i), Some(&i));
            assert_eq!(list.get(i).unwrap() as *const usize, address);
        }
        assert_eq!(list.get(1000), None);
        assert_eq!(
            list.iter().copied().collect::<Vec<_>>(),
            (0..1000).collect::<Vec<_>>()
        );
        *list.last_mut().unwrap() = 5;
        assert_eq!(list.get(999), Some(&5));
        let mut copy = list.clone();
        copy.push(1000);
        assert_eq!(copy.get(1000), Some(&1000));
        assert_eq!(copy.iter().count(), 1001);
        assert_eq!(list.len(), 1000);
        assert_eq!(
            [place(0), place(31), place(32), place(95), place(96)],
            [(0, 0), (0, 31), (1, 0), (1, 63), (2, 0)]
        );
    }
}
