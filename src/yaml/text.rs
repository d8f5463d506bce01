//! The string of a scalar node in 16 bytes: up to 15 bytes inline (82% of the strings of a
//! CRD-heavy corpus: keys, names, types), longer ones in one heap block of their own length.
//! With [`ThinVec`] sequences and maps this makes a [`Value`](super::Value) 16 bytes and a node
//! 40 instead of 56 (issue 19: the trees were the largest memory at the peak).

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use thin_vec::ThinVec;

const INLINE: usize = 15;

/// An inline length: an enum so that its unused values are the niche that tells the variants
/// of [`Repr`] (and of `Value`) apart without a tag byte of their own.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Len {
    L0,
    L1,
    L2,
    L3,
    L4,
    L5,
    L6,
    L7,
    L8,
    L9,
    L10,
    L11,
    L12,
    L13,
    L14,
    L15,
}

const LENS: [Len; INLINE + 1] = [
    Len::L0,
    Len::L1,
    Len::L2,
    Len::L3,
    Len::L4,
    Len::L5,
    Len::L6,
    Len::L7,
    Len::L8,
    Len::L9,
    Len::L10,
    Len::L11,
    Len::L12,
    Len::L13,
    Len::L14,
    Len::L15,
];

#[derive(Clone)]
enum Repr {
    Inline {
        len: Len,
        buf: [u8; INLINE],
    },
    /// Exactly the string's bytes (its length is its capacity).
    Heap(ThinVec<u8>),
}

/// An immutable UTF-8 string; derefs to `str`.
#[derive(Clone)]
pub struct CompactStr(Repr);

impl CompactStr {
    pub fn new(s: &str) -> CompactStr {
        let mut buf = [0u8; INLINE];
        if let (Some(dst), Some(&len)) = (buf.get_mut(..s.len()), LENS.get(s.len())) {
            dst.copy_from_slice(s.as_bytes());
            return CompactStr(Repr::Inline { len, buf });
        }
        let mut heap = ThinVec::with_capacity(s.len());
        heap.extend_from_slice(s.as_bytes());
        CompactStr(Repr::Heap(heap))
    }

    pub fn as_str(&self) -> &str {
        let bytes = match &self.0 {
            Repr::Inline { len, buf } => buf.get(..*len as usize).unwrap_or_default(),
            Repr::Heap(heap) => heap.as_slice(),
        };
        // SAFETY: the bytes are a copy of a whole `&str` (`new` is the only constructor) and
        // are never modified afterwards.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }
}

impl Default for CompactStr {
    fn default() -> CompactStr {
        CompactStr(Repr::Inline {
            len: Len::L0,
            buf: [0; INLINE],
        })
    }
}

impl Deref for CompactStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for CompactStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for CompactStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for CompactStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for CompactStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq for CompactStr {
    fn eq(&self, other: &CompactStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CompactStr {}

impl PartialOrd for CompactStr {
    fn partial_cmp(&self, other: &CompactStr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CompactStr {
    fn cmp(&self, other: &CompactStr) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for CompactStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for CompactStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CompactStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for CompactStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<CompactStr> for str {
    fn eq(&self, other: &CompactStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<CompactStr> for &str {
    fn eq(&self, other: &CompactStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<CompactStr> for String {
    fn eq(&self, other: &CompactStr) -> bool {
        self == other.as_str()
    }
}

impl From<&str> for CompactStr {
    fn from(s: &str) -> CompactStr {
        CompactStr::new(s)
    }
}

impl From<&String> for CompactStr {
    fn from(s: &String) -> CompactStr {
        CompactStr::new(s)
    }
}

impl From<String> for CompactStr {
    fn from(s: String) -> CompactStr {
        CompactStr::new(&s)
    }
}

impl From<Cow<'_, str>> for CompactStr {
    fn from(s: Cow<'_, str>) -> CompactStr {
        CompactStr::new(&s)
    }
}

impl From<&CompactStr> for String {
    fn from(s: &CompactStr) -> String {
        s.as_str().to_owned()
    }
}

impl From<CompactStr> for String {
    fn from(s: CompactStr) -> String {
        s.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_up_to_fifteen_bytes_then_heap() {
        for s in [
            "",
            "a",
            "fifteen bytes!!",
            "sixteen bytes!!!",
            "é€𝄞 multibyte text",
        ] {
            let c = CompactStr::new(s);
            assert_eq!(c.as_str(), s);
            assert_eq!(c.clone(), c);
            assert_eq!(format!("{c:?}"), format!("{s:?}"));
            assert_eq!(matches!(c.0, Repr::Inline { .. }), s.len() <= INLINE, "{s}");
        }
        assert_eq!(CompactStr::default().as_str(), "");
        assert_eq!(std::mem::size_of::<CompactStr>(), 16);
    }
}
