//! A last-resort bound on the memory one template render may take.
//!
//! minijinja bounds instructions (fuel) and recursion, and kforge bounds what a template
//! outputs, but nothing bounds the values a template builds on the way: `{% set t = s ~ s ~ s %}`
//! repeated a few times asks for gigabytes in a handful of instructions (`+`, `join`,
//! `replace` and the like can do the same), and minijinja offers no hook in those operations.
//! The allocator is the one place that sees them, so the binary installs [`Guarded`] around its
//! allocator: while a thread renders a template ([`rendering`]), the bytes it allocates net of
//! what it frees are counted, and past the budget kforge stops with a `render/limit` error that
//! names the template, and exit code 2. It cannot unwind from inside an allocation, so it
//! writes the error itself and exits without running anything else; nothing has been printed
//! or written before rendering ends, so nothing is left half-written.
//!
//! Outside a render the only cost is one thread-local flag read per allocation. Anywhere, an
//! allocation the system refuses ends kforge with exit code 2 and a message, never an abort.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// Turns transparent huge pages off for the process (Linux; elsewhere nothing to do).
///
/// mimalloc v3 reserves a 1 GiB arena and asks for huge pages on all of it
/// (`madvise(MADV_HUGEPAGE)`). On a kernel whose THP policy is `madvise` (the common default),
/// each first touch of a 2 MiB region then faults in, zeroes (and, with `defrag=madvise`, may
/// compact memory for) a whole 2 MiB page: on the rendered bitnami charts that was 34 MiB of
/// the 108 MiB peak and two thirds of the run's CPU time spent in the kernel (issue 19). A
/// short-lived process with a few hundred MiB of small trees gains nothing from huge pages.
/// The flag is read at fault time, so it holds for the arena reserved before `main` too.
pub fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl(PR_SET_THP_DISABLE)` only sets a flag of this process; no memory is
    // passed. A kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

static ENDS_AFTER_RUN: AtomicBool = AtomicBool::new(false);

/// Declares that the process ends once its one run is done (`kforge template`): from then on
/// [`dispose`] leaves large trees to the exit instead of freeing them node by node (freeing a
/// chart's parsed templates alone was 3% of rendering it).
pub fn ends_after_run() {
    ENDS_AFTER_RUN.store(true, Ordering::Relaxed);
}

/// Drops `value`, or, in a process that ends after its run ([`ends_after_run`]), forgets it:
/// the exit returns its memory at once.
pub fn dispose<T>(value: T) {
    if ENDS_AFTER_RUN.load(Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}

/// Longest template name kept for the message (longer ones are cut).
const LABEL_BYTES: usize = 200;

/// What [`ROOM`] holds outside a render: more than any process can allocate net, so that the
/// one subtraction on the allocation path never reaches zero there (and cannot overflow: the
/// bytes a thread allocates net of what it frees stay far below `isize::MAX / 2` either way).
const NO_BUDGET: isize = isize::MAX / 2;

thread_local! {
    /// Bytes the running render on this thread may still take net ([`NO_BUDGET`] when none
    /// runs). The allocation path reads and writes only this: one subtraction and one sign
    /// test per allocation (the allocator's own cost is a few times that).
    static ROOM: Cell<isize> = const { Cell::new(NO_BUDGET) };
    /// The budget of the render running on this thread, if any.
    static BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
    static LABEL: Cell<([u8; LABEL_BYTES], usize)> = const { Cell::new(([0; LABEL_BYTES], 0)) };
}

/// Runs `f` (the render of `template`) with a budget of `limit` bytes on this thread. A nested
/// call (a render inside a render) runs under the outer budget.
pub fn rendering<R>(template: &str, limit: usize, f: impl FnOnce() -> R) -> R {
    if BUDGET.with(Cell::get).is_some() {
        return f();
    }
    let mut label = [0u8; LABEL_BYTES];
    let mut len = template.len().min(LABEL_BYTES);
    while !template.is_char_boundary(len) {
        len -= 1;
    }
    if let (Some(dst), Some(src)) = (label.get_mut(..len), template.as_bytes().get(..len)) {
        dst.copy_from_slice(src);
    }
    LABEL.with(|l| l.set((label, len)));
    BUDGET.with(|b| b.set(Some(limit)));
    ROOM.with(|r| r.set(isize::try_from(limit).unwrap_or(NO_BUDGET).min(NO_BUDGET)));
    // Ends the budget however `f` ends.
    struct End;
    impl Drop for End {
        fn drop(&mut self) {
            BUDGET.with(|b| b.set(None));
            ROOM.with(|r| r.set(NO_BUDGET));
        }
    }
    let _end = End;
    f()
}

/// An allocator that enforces the render budget of [`rendering`] over `A`.
pub struct Guarded<A> {
    inner: A,
}

impl<A> Guarded<A> {
    pub const fn new(inner: A) -> Guarded<A> {
        Guarded { inner }
    }
}

/// Counts `delta` bytes against the running render, if any, and stops kforge past its budget.
#[inline(always)]
fn count(delta: isize) {
    // `try_with`: the thread-local may already be gone while a thread exits.
    let _ = ROOM.try_with(|r| {
        let room = r.get().wrapping_sub(delta);
        r.set(room);
        if room < 0 {
            over_budget();
        }
    });
}

/// The render on this thread took more than its budget (only a render's budget can run out).
#[cold]
#[inline(never)]
fn over_budget() {
    if let Ok(Some(limit)) = BUDGET.try_with(Cell::get) {
        stop(b" took more than ", limit >> 20, b" MiB of memory");
    }
}

/// Ends the process when `inner` could not serve an allocation of `size` bytes (a memory
/// limit of the machine, the container or the shell came first). Returning the null pointer
/// would make Rust abort (exit 134, "could not run" unrecognisable from a crash); a CI gate
/// must get exit code 2 and a message instead. During a render the message names the template.
#[inline(always)]
fn check_served(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        not_served(size);
    }
    ptr
}

#[cold]
#[inline(never)]
fn not_served(size: usize) -> ! {
    if matches!(BUDGET.try_with(Cell::get), Ok(Some(_))) {
        stop(
            b" ran out of memory: an allocation of ",
            size,
            b" bytes failed",
        );
    }
    out_of_memory(size);
}

/// Writes the out-of-memory error without allocating and ends the process with exit code 2.
fn out_of_memory(size: usize) -> ! {
    let mut buf = [0u8; 20];
    let digits = decimal(size, &mut buf);
    for part in [
        b"error[run/limit]: kforge ran out of memory: an allocation of ".as_slice(),
        digits,
        b" bytes failed; kforge stopped\n  = help: the input asks for more work than the memory \
          kforge may use; lower the run's budgets (--max-objects, --max-pods, --max-findings) \
          or give kforge more memory\n",
    ] {
        write_stderr(part);
    }
    // SAFETY: `_exit` ends the process at once; nothing of it runs afterwards.
    unsafe { libc::_exit(2) }
}

/// Writes the error without allocating and ends the process: exit code 2, "could not run".
#[cold]
fn stop(what: &[u8], number: usize, unit: &[u8]) -> ! {
    let _ = BUDGET.try_with(|b| b.set(None));
    let _ = ROOM.try_with(|r| r.set(NO_BUDGET));
    let (label, len) = LABEL.try_with(Cell::get).unwrap_or(([0; LABEL_BYTES], 0));
    let name = label.get(..len).unwrap_or(&[]);
    let mut buf = [0u8; 20];
    let digits = decimal(number, &mut buf);
    for part in [
        b"error[render/limit]: rendering ".as_slice(),
        name,
        what,
        digits,
        unit,
        b"; kforge stopped\n  = help: the template builds huge values (chained `~` or `+`, \
          repeated strings or lists, `join`, `replace`); render less, or raise the limit with \
          KFORGE_RENDER_MEMORY_MB\n",
    ] {
        write_stderr(part);
    }
    // SAFETY: `_exit` ends the process at once; nothing of it runs afterwards.
    unsafe { libc::_exit(2) }
}

fn write_stderr(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writes from a live slice to the standard error descriptor.
        let n = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        match usize::try_from(n) {
            Ok(n) if n > 0 => bytes = bytes.get(n..).unwrap_or(&[]),
            _ => return,
        }
    }
}

/// `n` in decimal, in `buf`, without allocating.
fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        if let Some(d) = buf.get_mut(start) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or(&[])
}

fn signed(size: usize) -> isize {
    isize::try_from(size).unwrap_or(isize::MAX)
}

// SAFETY: every call is passed to `inner` unchanged; the counting around it does not allocate.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Guarded<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(signed(layout.size()));
        // SAFETY: the caller's guarantees for `layout` hold for `inner` too.
        check_served(unsafe { self.inner.alloc(layout) }, layout.size())
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(signed(layout.size()));
        // SAFETY: as for `alloc`.
        check_served(unsafe { self.inner.alloc_zeroed(layout) }, layout.size())
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-signed(layout.size()));
        // SAFETY: `ptr` came from `inner` with this `layout`.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(signed(new_size).saturating_sub(signed(layout.size())));
        // SAFETY: as for `dealloc` and `alloc`.
        check_served(
            unsafe { self.inner.realloc(ptr, layout, new_size) },
            new_size,
        )
    }
}

/// mimalloc, asked for what Rust asks: most allocations need no more alignment than
/// mimalloc's blocks always have (8 bytes: every size class is a multiple of a word), and for
/// those the plain entry points skip the alignment checks of the `_aligned` ones (which the
/// `mimalloc` crate always calls): 2% of a chart's render instructions.
pub struct Mimalloc;

/// The alignment of every block mimalloc hands out.
const MI_WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each call maps to the mimalloc function for the same request; the plain ones only
// for alignments every mimalloc block satisfies.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: plain C allocation calls; any size is valid input.
        unsafe {
            if layout.align() <= MI_WORD {
                libmimalloc_sys::mi_malloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe {
            if layout.align() <= MI_WORD {
                libmimalloc_sys::mi_zalloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from mimalloc.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from mimalloc with `layout`'s alignment.
        unsafe {
            if layout.align() <= MI_WORD {
                libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_without_allocating() {
        let mut buf = [0u8; 20];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(256, &mut buf), b"256");
        assert_eq!(
            decimal(usize::MAX, &mut buf),
            usize::MAX.to_string().as_bytes()
        );
    }

    #[test]
    fn a_budget_ends_with_its_render_and_nested_renders_share_it() {
        assert_eq!(BUDGET.with(Cell::get), None);
        rendering("outer.yaml", 1 << 30, || {
            assert_eq!(BUDGET.with(Cell::get), Some(1 << 30));
            // The lib's tests run on the system allocator: nothing is counted here.
            assert_eq!(ROOM.with(Cell::get), 1 << 30);
            count(4096);
            assert_eq!(ROOM.with(Cell::get), (1 << 30) - 4096);
            rendering("inner.yaml", 1, || {
                assert_eq!(BUDGET.with(Cell::get), Some(1 << 30));
            });
            let (label, len) = LABEL.with(Cell::get);
            assert_eq!(label.get(..len), Some(b"outer.yaml".as_slice()));
        });
        assert_eq!(BUDGET.with(Cell::get), None);
        assert_eq!(ROOM.with(Cell::get), NO_BUDGET);
    }
}
