//! The string of a scalar node in 16 bytes: up to 15 bytes inline (82% of the strings of a
//! CRD-heavy corpus: keys, names, types), longer ones in one heap block holding their length
//! and their bytes.
//! With [`ThinVec`] sequences and maps this makes a [`Value`](super::Value) 16 bytes and a node
//! 40 instead of 56 (issue 19: the trees were the largest memory at the peak).

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::ptr::NonNull;

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
    Inline { len: Len, buf: [u8; INLINE] },
    Heap(HeapStr),
}

/// One allocation: the length (a `usize`), then the bytes. A thin pointer, so that `Repr` and
/// `Value` stay 16 bytes; `Box<str>` is a fat one.
struct HeapStr(NonNull<u8>);

const HEADER: usize = size_of::<usize>();

// SAFETY: a `HeapStr` owns its block alone and never changes it after `new`.
unsafe impl Send for HeapStr {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for HeapStr {}

impl HeapStr {
    fn layout(len: usize) -> Layout {
        match Layout::from_size_align(HEADER.saturating_add(len), align_of::<usize>()) {
            Ok(layout) => layout,
            // Only for a string within a word of `isize::MAX` bytes, which cannot exist.
            Err(_) => handle_alloc_error(Layout::new::<usize>()),
        }
    }

    fn new(s: &str) -> HeapStr {
        let layout = HeapStr::layout(s.len());
        // SAFETY: the layout is never zero-sized (it holds the header).
        let block = unsafe { alloc(layout) };
        let Some(block) = NonNull::new(block) else {
            handle_alloc_error(layout)
        };
        // SAFETY: the block is `HEADER + len` bytes aligned for `usize`: the length goes in
        // its first word, the bytes after it, within the block.
        unsafe {
            block.as_ptr().cast::<usize>().write(s.len());
            std::ptr::copy_nonoverlapping(s.as_ptr(), block.as_ptr().add(HEADER), s.len());
        }
        HeapStr(block)
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `new` wrote the length in the first word and that many bytes after it.
        unsafe {
            let len = self.0.as_ptr().cast::<usize>().read();
            std::slice::from_raw_parts(self.0.as_ptr().add(HEADER), len)
        }
    }
}

impl Drop for HeapStr {
    fn drop(&mut self) {
        let layout = HeapStr::layout(self.bytes().len());
        // SAFETY: the block was allocated by `new` with this same layout.
        unsafe { dealloc(self.0.as_ptr(), layout) }
    }
}

impl Clone for HeapStr {
    fn clone(&self) -> HeapStr {
        let bytes = self.bytes();
        // SAFETY: the bytes were copied from a `&str` by `new`.
        HeapStr::new(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
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
        CompactStr(Repr::Heap(HeapStr::new(s)))
    }

    pub fn as_str(&self) -> &str {
        let bytes = match &self.0 {
            Repr::Inline { len, buf } => buf.get(..*len as usize).unwrap_or_default(),
            Repr::Heap(heap) => heap.bytes(),
        };
        // SAFETY: the bytes are a copy of a whole `&str` (`new` is the only constructor, and
        // copies all of it) and are never modified afterwards.
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

impl CompactStr {
    /// The text as a `String` (`to_string` goes through `Display` and the formatter).
    pub fn to_owned_string(&self) -> String {
        self.as_str().to_owned()
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
