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

/// How much address space mimalloc reserves for its first arena, in KiB (its option
/// `arena_reserve`; it reserves more, in larger arenas, when a run needs it).
const ARENA_RESERVE_KIB: std::ffi::c_long = 256 << 10;

/// mimalloc v3's `mi_option_arena_reserve` (`mi_option_t` in `mimalloc.h`).
const MI_OPTION_ARENA_RESERVE: std::ffi::c_int = 23;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// Makes mimalloc's first arena 256 MiB instead of 1 GiB; call before anything allocates.
///
/// An arena's bitmaps (free, committed, dirty, purge slices and one per size bin) are sized
/// for the whole arena and written when it is made: for 1 GiB that was ~30 of the ~260 page
/// faults of `kforge --version` (issue 19). Not for `kforge template`, which runs with huge
/// pages from the start: there the bitmaps share the first huge page, and a smaller arena
/// cost it ~50 faults (main.rs). The largest measured run (×10 the rendered corpus) peaks at
/// 136 MiB; a larger one gets a second arena.
pub fn smaller_arena() {
    // SAFETY: `mi_option_set` only stores an option value; mimalloc reads it when it makes
    // its first arena, at the first allocation.
    unsafe { mi_option_set(MI_OPTION_ARENA_RESERVE, ARENA_RESERVE_KIB) }
}

/// Allows or forbids transparent huge pages for the memory the process touches from now on
/// (the flag of [`no_huge_pages`], read at each fault): [`with_huge_pages`].
fn huge_pages(allowed: bool) {
    #[cfg(target_os = "linux")]
    // SAFETY: as in `no_huge_pages`.
    unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            libc::c_ulong::from(!allowed),
            0,
            0,
            0,
        );
    }
    #[cfg(not(target_os = "linux"))]
    let _ = allowed;
}

/// Runs `f` with transparent huge pages allowed (mimalloc asks for them on its arena), then
/// forbids them again. For a stage that fills many megabytes it keeps (the YAML trees): one
/// fault zeroes and maps 2 MiB instead of 512 faults of 4 KiB, and a fresh page costs ~3–4.5 µs
/// whatever its size on this kind of VM (issue 19: the CRD-heavy corpus's 12,400 page faults
/// fell to 4,900, system time 47 → 28 ms, for 6.8 MiB more at the peak). Not for stages
/// that allocate and free as they go: a huge page holding a few live blocks stays resident.
/// `bytes` (the text `f` parses) sizes the fresh arena `f` and everything after it allocate
/// from (`trees`), so that the trees get whole huge pages.
pub fn with_huge_pages<R>(bytes: usize, f: impl FnOnce() -> R) -> R {
    huge_pages(true);
    trees::open(bytes);
    // Forbidden again however `f` ends.
    struct Forbid;
    impl Drop for Forbid {
        fn drop(&mut self) {
            huge_pages(false);
        }
    }
    let _forbid = Forbid;
    f()
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
        #[cfg(target_os = "linux")]
        if layout.size() >= MAP_MIN_BYTES
            && let Some(mapped) = mapped::serve(layout)
        {
            return mapped;
        }
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
        #[cfg(target_os = "linux")]
        if layout.size() >= MAP_MIN_BYTES && mapped::release(ptr, layout) {
            return;
        }
        // SAFETY: `ptr` came from `inner` with this `layout`.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if layout.size() >= MAP_MIN_BYTES && mapped::is_mapped(ptr, layout) {
            // Nothing reallocates a file's shared bytes today; if something does, it gets a
            // heap copy. SAFETY: `new_size` is valid for `layout`'s alignment (the caller's
            // guarantee); `ptr` holds `layout.size()` readable bytes until the `dealloc`.
            unsafe {
                let grown = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
                std::ptr::copy_nonoverlapping(ptr, grown, layout.size().min(new_size));
                self.dealloc(ptr, layout);
                return grown;
            }
        }
        count(signed(new_size).saturating_sub(signed(layout.size())));
        // SAFETY: as for `dealloc` and `alloc`.
        check_served(
            unsafe { self.inner.realloc(ptr, layout, new_size) },
            new_size,
        )
    }
}

/// Files at least this large are mapped into memory rather than read ([`map_file`]).
pub const MAP_MIN_BYTES: usize = 16 << 10;

/// `len` bytes of `file` (a regular file that long) as shared bytes that are the file's own
/// pages, mapped (Linux, with [`Guarded`] as the global allocator; `None` elsewhere, for files
/// under [`MAP_MIN_BYTES`], or when mapping fails: the caller reads the file then).
///
/// Why (issue 19): read into the heap, every 4 KiB of input is a fresh anonymous page that the
/// kernel zeroes and maps, the allocator writes and `read` copies into (~3–4.5 µs each on a
/// VM): a CRD-heavy folder's 17 MB were 4,400 page faults, 30% of the run's. Mapped, the pages
/// are the page cache's, mapped 16 at a time on first read: ~500 faults, no copy.
///
/// The bytes stay an `Arc<[u8]>` (file trees, templates' `.Files` and the source map share
/// them as before): [`Guarded`] serves the one allocation `Arc` makes for them from a mapping
/// whose first page holds the `Arc`'s counts and whose following pages are the file, and
/// unmaps it when the last `Arc` goes. A file truncated by another process while it is mapped
/// would make reading past its new end fault (SIGBUS): kforge then stops with exit code 2 and
/// a message rather than crash. A file rewritten in place while kforge runs may be seen
/// half-changed, as when it is rewritten during a read.
#[cfg(target_os = "linux")]
pub fn map_file(file: &std::fs::File, len: usize) -> Option<std::sync::Arc<[u8]>> {
    use std::os::fd::AsRawFd;
    if len < MAP_MIN_BYTES {
        return None;
    }
    mapped::catch_truncation();
    mapped::REQUEST.set((file.as_raw_fd(), len));
    mapped::SERVED.set(false);
    let uninit = std::sync::Arc::<[u8]>::new_uninit_slice(len);
    mapped::REQUEST.set(mapped::NO_REQUEST);
    if !mapped::SERVED.replace(false) {
        return None;
    }
    // The data must start on the page where the file was mapped, as it does while `Arc` keeps
    // its two counts before the data (`serve`); otherwise the mapping is released.
    let data = std::sync::Arc::as_ptr(&uninit).cast::<u8>() as usize;
    if !data.is_multiple_of(mapped::page_size()) {
        return None;
    }
    // SAFETY: every byte of the slice is the file's, mapped by `mapped::serve`.
    Some(unsafe { uninit.assume_init() })
}

#[cfg(not(target_os = "linux"))]
pub fn map_file(_file: &std::fs::File, _len: usize) -> Option<std::sync::Arc<[u8]>> {
    None
}

/// The mappings [`map_file`] makes, served and released through [`Guarded`].
#[cfg(target_os = "linux")]
mod mapped {
    use std::alloc::Layout;
    use std::cell::Cell;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Bytes an `Arc` keeps before its data: the strong and weak counts (`ArcInner` is
    /// `repr(C)`).
    const ARC_HEADER: usize = 2 * std::mem::size_of::<usize>();

    /// The most mappings alive at once; past it files are read into the heap.
    const SLOTS: usize = 4096;

    /// Each live mapping's first address (0: a free slot; 1: one being made) and length.
    static BASES: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
    static LENGTHS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
    /// One past the highest slot ever used: how far lookups scan.
    static USED: AtomicUsize = AtomicUsize::new(0);

    pub(super) const NO_REQUEST: (i32, usize) = (-1, 0);

    thread_local! {
        /// The file (descriptor, length) the next allocation of its size on this thread maps.
        pub(super) static REQUEST: Cell<(i32, usize)> = const { Cell::new(NO_REQUEST) };
        /// Whether that allocation was served by a mapping.
        pub(super) static SERVED: Cell<bool> = const { Cell::new(false) };
    }

    pub(super) fn page_size() -> usize {
        static PAGE: AtomicUsize = AtomicUsize::new(0);
        match PAGE.load(Ordering::Relaxed) {
            0 => {
                // SAFETY: sysconf only reads a system constant.
                let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
                    .ok()
                    .filter(|p| p.is_power_of_two())
                    .unwrap_or(4096);
                PAGE.store(page, Ordering::Relaxed);
                page
            }
            page => page,
        }
    }

    /// The allocation `Arc` makes for the requested file's bytes, as a mapping: one anonymous
    /// page whose last bytes are the counts, then the file. `None` (the heap serves it) when
    /// no file is requested, the layout is not that allocation's, or mapping fails.
    pub(super) fn serve(layout: Layout) -> Option<*mut u8> {
        let (fd, len) = REQUEST.try_with(Cell::get).ok()?;
        let fits = fd >= 0
            && layout.align() <= ARC_HEADER
            && layout.size() >= ARC_HEADER + len
            && layout.size() - ARC_HEADER - len < ARC_HEADER;
        if !fits {
            return None;
        }
        REQUEST.set(NO_REQUEST);
        let page = page_size();
        let data = (layout.size() - ARC_HEADER).next_multiple_of(page);
        let total = page + data;
        let slot = claim()?;
        // SAFETY: a fresh private mapping, then the file mapped over its pages after the
        // first; both are unmapped on failure and nothing else knows their addresses yet.
        let base = unsafe {
            let base = libc::mmap(
                std::ptr::null_mut(),
                total,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            );
            if base == libc::MAP_FAILED {
                None
            } else {
                let file = libc::mmap(
                    base.cast::<u8>().add(page).cast(),
                    data,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_FIXED,
                    fd,
                    0,
                );
                if file == libc::MAP_FAILED {
                    libc::munmap(base, total);
                    None
                } else {
                    // Every page of the file is read (UTF-8 check, parse): mapped in one call
                    // rather than one page fault per 16 pages. Read-only mappings of the page
                    // cache's pages, as a read fault makes them; a kernel without it (before
                    // 5.14) says EINVAL and the pages fault in as before.
                    libc::madvise(file, data, libc::MADV_POPULATE_READ);
                    Some(base as usize)
                }
            }
        };
        let (Some(bases), Some(lengths)) = (BASES.get(slot), LENGTHS.get(slot)) else {
            return None;
        };
        let Some(base) = base else {
            bases.store(0, Ordering::Release);
            return None;
        };
        lengths.store(total, Ordering::Relaxed);
        bases.store(base, Ordering::Release);
        SERVED.set(true);
        Some((base + page - ARC_HEADER) as *mut u8)
    }

    /// A free slot, marked as being made.
    fn claim() -> Option<usize> {
        let slot = BASES.iter().position(|b| {
            b.load(Ordering::Relaxed) == 0
                && b.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
        })?;
        USED.fetch_max(slot + 1, Ordering::Relaxed);
        Some(slot)
    }

    /// The slot of the mapping `ptr` (an allocation of `layout`) was served from.
    fn slot_of(ptr: *mut u8, layout: Layout) -> Option<usize> {
        let page = page_size();
        let data = (ptr as usize).wrapping_add(ARC_HEADER);
        if !data.is_multiple_of(page) || layout.size() < ARC_HEADER {
            return None;
        }
        let base = data - page;
        let used = USED.load(Ordering::Relaxed).min(SLOTS);
        BASES
            .get(..used)?
            .iter()
            .position(|b| b.load(Ordering::Acquire) == base)
    }

    pub(super) fn is_mapped(ptr: *mut u8, layout: Layout) -> bool {
        slot_of(ptr, layout).is_some()
    }

    /// Unmaps `ptr` if it is a mapping; `false` if the heap owns it.
    pub(super) fn release(ptr: *mut u8, layout: Layout) -> bool {
        let Some(slot) = slot_of(ptr, layout) else {
            return false;
        };
        let (Some(bases), Some(lengths)) = (BASES.get(slot), LENGTHS.get(slot)) else {
            return false;
        };
        let base = (ptr as usize) + ARC_HEADER - page_size();
        let total = lengths.load(Ordering::Relaxed);
        // The slot is freed before the pages: no new mapping can be given this address while
        // the slot still names it.
        if bases
            .compare_exchange(base, 0, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            return false;
        }
        // SAFETY: `base..base + total` is the mapping `serve` made; its last `Arc` is gone.
        unsafe { libc::munmap(base as *mut libc::c_void, total) };
        true
    }

    /// Whether `addr` is inside a live mapping.
    fn covers(addr: usize) -> bool {
        let used = USED.load(Ordering::Relaxed).min(SLOTS);
        BASES.iter().zip(&LENGTHS).take(used).any(|(b, l)| {
            let base = b.load(Ordering::Acquire);
            base > 1 && addr >= base && addr - base < l.load(Ordering::Relaxed)
        })
    }

    static PREVIOUS: std::sync::OnceLock<libc::sigaction> = std::sync::OnceLock::new();

    /// Installs the SIGBUS handler that turns a read past the end of a mapped file that
    /// shrank into exit code 2 and a message (once per process).
    pub(super) fn catch_truncation() {
        PREVIOUS.get_or_init(|| {
            // SAFETY: plain sigaction calls with initialised structs; the handler only reads
            // atomics, writes to stderr and exits, or puts the previous action back.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_sigbus as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let mut previous: libc::sigaction = std::mem::zeroed();
                libc::sigaction(libc::SIGBUS, &action, &mut previous);
                previous
            }
        });
    }

    extern "C" fn on_sigbus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
        let addr = unsafe { (*info).si_addr() } as usize;
        if covers(addr) {
            super::write_stderr(
                b"error[input/unreadable]: an input file shrank while kforge read it; kforge \
                  stopped\n  = help: run kforge again once nothing writes to its inputs\n",
            );
            // SAFETY: `_exit` ends the process at once.
            unsafe { libc::_exit(2) }
        }
        // Not a mapped file: the previous action (the default: end with SIGBUS) takes the
        // fault when the instruction runs again.
        let previous = PREVIOUS.get().copied();
        // SAFETY: restores an action sigaction returned, or the default.
        unsafe {
            match previous {
                Some(previous) => libc::sigaction(libc::SIGBUS, &previous, std::ptr::null_mut()),
                None => {
                    libc::signal(libc::SIGBUS, libc::SIG_DFL);
                    0
                }
            };
        }
    }
}

/// A fresh mimalloc arena for the YAML trees and for everything allocated after them
/// ([`with_huge_pages`]).
///
/// Before the parse, the loading stage has touched a few 4 KiB pages in most of the 2 MiB
/// regions of mimalloc's main arena, and a region with one small page mapped stays
/// small-paged: the trees put there faulted 4 KiB at a time (issue 19: ~900 faults of the
/// rendered corpus). A fresh arena, reserved when the parse starts and asked for huge pages by
/// mimalloc, has no page touched yet, so the trees fill whole huge pages. From then on
/// [`Mimalloc`] serves every thread's allocations from a heap in that arena (mimalloc v3's
/// heaps allocate from any thread; `mi_free` frees a block of any heap from any thread): the
/// later stages fill the free room of the trees' huge pages and the arena's next regions
/// rather than the main arena's half-used ones (rendered corpus 2,797 → 1,948 faults, CRD-heavy
/// 3,420 → 1,711). Only the trees' stage itself gets huge pages, as before. The arena is
/// exclusive to that heap: when it is full an allocation there fails, and [`Mimalloc`] then
/// serves it from the main heap.
mod trees {
    use std::ffi::c_void;
    use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

    unsafe extern "C" {
        fn mi_reserve_os_memory_ex(
            size: usize,
            commit: bool,
            allow_large: bool,
            exclusive: bool,
            arena_id: *mut *mut c_void,
        ) -> std::ffi::c_int;
        fn mi_heap_new_in_arena(arena_id: *mut c_void) -> *mut c_void;
    }

    /// The heap allocations go to once the parse has started (null before: the thread's
    /// default heap). Made once; a later parse in the same process (tests) keeps it.
    pub(super) static ROUTED: AtomicPtr<c_void> = AtomicPtr::new(std::ptr::null_mut());

    /// The arena was full once: allocations went back to the main heap for good ([`spent`]).
    static SPENT: AtomicBool = AtomicBool::new(false);

    /// Stops routing to the arena's heap, which could not serve an allocation: mimalloc
    /// collects the whole heap (every page it holds) before it gives up, and did that for
    /// each allocation once the arena was full, O(pages) each: a run ten times the rendered
    /// corpus took 43.9 G instructions instead of ~6 G, 52 times the user time of one copy
    /// (issue 19). What the arena holds stays there and is freed as usual.
    pub(super) fn spent() {
        SPENT.store(true, Ordering::Relaxed);
        ROUTED.store(std::ptr::null_mut(), Ordering::Release);
    }

    /// Address space for the trees and what follows: a few times the text (CRD-heavy corpus:
    /// ~34 MiB of trees, 53 MiB at the peak); what is reserved and never touched costs only
    /// the arena's bitmaps, and past it the main heap serves.
    fn reserve_for(bytes: usize) -> usize {
        bytes.saturating_mul(16).clamp(64 << 20, 1 << 30)
    }

    /// Routes allocations to the fresh arena from now on, unless already done or mimalloc
    /// cannot make it (then nothing changes).
    pub(super) fn open(bytes: usize) {
        if !ROUTED.load(Ordering::Acquire).is_null() || SPENT.load(Ordering::Relaxed) {
            return;
        }
        let mut arena = std::ptr::null_mut();
        // SAFETY: reserves (and, on Linux's overcommit, only maps) address space and writes
        // the new arena's id into `arena`. Committed, so that mimalloc maps it readable and
        // asks for huge pages on it as on its own arenas.
        if unsafe { mi_reserve_os_memory_ex(reserve_for(bytes), true, true, true, &mut arena) } != 0
        {
            return;
        }
        // SAFETY: `arena` is the id mimalloc just returned.
        let heap = unsafe { mi_heap_new_in_arena(arena) };
        if !heap.is_null() {
            ROUTED.store(heap, Ordering::Release);
        }
    }
}

/// mimalloc, asked for what Rust asks: most allocations need no more alignment than
/// mimalloc's blocks always have (8 bytes: every size class is a multiple of a word), and for
/// those the plain entry points skip the alignment checks of the `_aligned` ones (which the
/// `mimalloc` crate always calls): 2% of a chart's render instructions. Once the parse has
/// started, in the heap of `trees`.
pub struct Mimalloc;

/// The alignment of every block mimalloc hands out.
const MI_WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each call maps to the mimalloc function for the same request; the plain ones only
// for alignments every mimalloc block satisfies.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let routed = trees::ROUTED.load(Ordering::Relaxed);
        if !routed.is_null() {
            // SAFETY: as below, in the trees' heap.
            return unsafe { in_heap::alloc(routed, layout, false) };
        }
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
        let routed = trees::ROUTED.load(Ordering::Relaxed);
        if !routed.is_null() {
            // SAFETY: as below, in the trees' heap.
            return unsafe { in_heap::alloc(routed, layout, true) };
        }
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
        // SAFETY: `ptr` came from mimalloc (any of its heaps).
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let routed = trees::ROUTED.load(Ordering::Relaxed);
        if !routed.is_null() {
            // SAFETY: as below, in the trees' heap.
            return unsafe { in_heap::realloc(routed, ptr, layout.align(), new_size) };
        }
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

/// Allocation in a given mimalloc heap: the trees' (`trees`), or the main one for what the
/// trees' arena cannot serve.
mod in_heap {
    use std::alloc::Layout;
    use std::ffi::c_void;

    unsafe extern "C" {
        fn mi_heap_main() -> *mut c_void;
        fn mi_heap_malloc(heap: *mut c_void, size: usize) -> *mut c_void;
        fn mi_heap_zalloc(heap: *mut c_void, size: usize) -> *mut c_void;
        fn mi_heap_realloc(heap: *mut c_void, p: *mut c_void, size: usize) -> *mut c_void;
        fn mi_heap_malloc_aligned(heap: *mut c_void, size: usize, align: usize) -> *mut c_void;
        fn mi_heap_zalloc_aligned(heap: *mut c_void, size: usize, align: usize) -> *mut c_void;
        fn mi_heap_realloc_aligned(
            heap: *mut c_void,
            p: *mut c_void,
            size: usize,
            align: usize,
        ) -> *mut c_void;
    }

    pub(super) fn main() -> *mut c_void {
        // SAFETY: returns mimalloc's main heap, usable from any thread.
        unsafe { mi_heap_main() }
    }

    /// Falls back to the main heap when `heap` (an exclusive arena's) is full.
    #[inline]
    pub(super) unsafe fn alloc(heap: *mut c_void, layout: Layout, zeroed: bool) -> *mut u8 {
        let align = layout.align();
        // SAFETY: allocation calls on a live mimalloc heap.
        unsafe {
            let p = match (zeroed, align <= super::MI_WORD) {
                (false, true) => mi_heap_malloc(heap, layout.size()),
                (true, true) => mi_heap_zalloc(heap, layout.size()),
                (false, false) => mi_heap_malloc_aligned(heap, layout.size(), align),
                (true, false) => mi_heap_zalloc_aligned(heap, layout.size(), align),
            };
            if p.is_null() {
                return fallback(heap, layout, zeroed);
            }
            p.cast()
        }
    }

    /// The main heap's turn, when `heap` could not serve (its arena full; for the main heap,
    /// the system refused, and [`super::Guarded`] reports it).
    #[cold]
    unsafe fn fallback(heap: *mut c_void, layout: Layout, zeroed: bool) -> *mut u8 {
        let main = main();
        if heap == main {
            return std::ptr::null_mut();
        }
        super::trees::spent();
        // SAFETY: as for `alloc`.
        unsafe { alloc(main, layout, zeroed) }
    }

    #[inline]
    pub(super) unsafe fn realloc(
        heap: *mut c_void,
        ptr: *mut u8,
        align: usize,
        new_size: usize,
    ) -> *mut u8 {
        // SAFETY: `ptr` is a mimalloc block of any heap; a failed call leaves it as it was.
        unsafe {
            let p = if align <= super::MI_WORD {
                mi_heap_realloc(heap, ptr.cast(), new_size)
            } else {
                mi_heap_realloc_aligned(heap, ptr.cast(), new_size, align)
            };
            let align = align.max(super::MI_WORD);
            let main = main();
            if p.is_null() && heap != main {
                super::trees::spent();
                return mi_heap_realloc_aligned(main, ptr.cast(), new_size, align).cast();
            }
            p.cast()
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

    #[cfg(target_os = "linux")]
    #[test]
    fn a_requested_file_is_served_as_a_mapping_and_unmapped_on_free() {
        use std::os::fd::AsRawFd;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("big.yaml");
        let text: Vec<u8> = (0..MAP_MIN_BYTES + 4099)
            .map(|i| b'a' + (i % 26) as u8)
            .collect();
        std::fs::write(&path, &text).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let guarded = Guarded::new(std::alloc::System);
        // The layout `Arc<[u8]>` asks for: two counts, then the bytes, rounded to a word.
        let size = (16 + text.len()).next_multiple_of(8);
        let layout = Layout::from_size_align(size, 8).unwrap();

        mapped::REQUEST.set((file.as_raw_fd(), text.len()));
        // SAFETY: a valid layout; the block is freed below with the same layout.
        let ptr = unsafe { guarded.alloc(layout) };
        assert!(mapped::SERVED.replace(false));
        assert_eq!(mapped::REQUEST.get(), mapped::NO_REQUEST, "served once");
        // SAFETY: the mapping holds the counts' 16 bytes, then the file.
        let data = unsafe { std::slice::from_raw_parts(ptr.add(16), text.len()) };
        assert_eq!(data, text.as_slice());
        assert!(mapped::is_mapped(ptr, layout));
        // SAFETY: allocated above with this layout.
        unsafe { guarded.dealloc(ptr, layout) };
        assert!(!mapped::is_mapped(ptr, layout));

        // No request, or one for another size: the heap serves it.
        // SAFETY: as above.
        let ptr = unsafe { guarded.alloc(layout) };
        assert!(!mapped::SERVED.get());
        assert!(!mapped::is_mapped(ptr, layout));
        // SAFETY: as above.
        unsafe { guarded.dealloc(ptr, layout) };
        mapped::REQUEST.set((file.as_raw_fd(), text.len() + 100));
        // SAFETY: as above.
        let ptr = unsafe { guarded.alloc(layout) };
        assert!(!mapped::SERVED.get());
        // SAFETY: as above.
        unsafe { guarded.dealloc(ptr, layout) };
        mapped::REQUEST.set(mapped::NO_REQUEST);

        // The lib's tests run on the system allocator, which maps nothing: callers read.
        assert!(map_file(&file, text.len()).is_none());
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
