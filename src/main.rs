// kforge builds and drops many small trees (YAML nodes, JSON objects): mimalloc is markedly
// faster than the system allocator at that, and with several threads. `Guarded` bounds the
// memory of each template render (see kforge::memory).
#[global_allocator]
static GLOBAL: kforge::memory::Guarded<kforge::memory::Mimalloc> =
    kforge::memory::Guarded::new(kforge::memory::Mimalloc);

/// What the process asks of the kernel and of mimalloc before anything allocates: mimalloc
/// reserves its arena (and asks for huge pages on it, `madvise(MADV_HUGEPAGE)`) at its first
/// allocation, before `main`, so this runs from `.preinit_array`, before every constructor.
///
/// Transparent huge pages off from the start (`memory::no_huge_pages`): switched off only in
/// `main`, the first allocations had already faulted in one 2 MiB page, 3 MiB of a one-file
/// lint's 12.6 (issue 19). Round 3 traced that 3 MiB to the arena's eager commit and turned it
/// off, which cost every run ~580 `mprotect` commits; with the huge page gone, mimalloc's
/// default (commit the arena up front, untouched pages cost nothing) is back: a one-file lint
/// stays at 9.6 MiB, and the arena is one mapping, where `lib.rs` can allow huge pages while
/// the YAML trees are built. `kforge template` keeps the huge page: it renders one chart and
/// ends, and the page saved it ~360 page faults (issue 14: redis 780 → 1,140 without).
/// Other commands make mimalloc's first arena 256 MiB, not 1 GiB (`memory::smaller_arena`:
/// its bitmaps are written when it is made, ~30 page faults); `kforge template` keeps 1 GiB,
/// where the early huge page holds the bitmaps (redis: ~670 → ~740 faults with 256 MiB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod allocator_options {
    /// glibc calls `.preinit_array` functions with `main`'s arguments.
    extern "C" fn set(
        argc: std::ffi::c_int,
        argv: *const *const std::ffi::c_char,
        _envp: *const *const std::ffi::c_char,
    ) {
        // Any argument spelled `template` counts: a wrong guess only changes when huge pages
        // are turned off.
        let args = usize::try_from(argc).unwrap_or(0);
        let rendering = (1..args).any(|i| {
            // SAFETY: glibc passes `argc` valid, NUL-terminated `argv` entries.
            let arg = unsafe { *argv.add(i) };
            !arg.is_null() && unsafe { std::ffi::CStr::from_ptr(arg) }.to_bytes() == b"template"
        });
        if !rendering {
            kforge::memory::no_huge_pages();
            kforge::memory::smaller_arena();
        }
    }

    #[used]
    #[unsafe(link_section = ".preinit_array")]
    static SET: extern "C" fn(
        std::ffi::c_int,
        *const *const std::ffi::c_char,
        *const *const std::ffi::c_char,
    ) = set;
}

fn main() -> std::process::ExitCode {
    // Before any real work touches the allocator's arena (issue 19: page faults, peak memory).
    kforge::memory::no_huge_pages();
    // The main thread is one of rayon's threads (it used to wait while the others worked):
    // one thread fewer to start, with its stack and allocator pages, in every process (issue
    // 14: `kforge template` runs once per chart). Same count as before: RAYON_NUM_THREADS or
    // one per CPU. Failing (a pool already built) changes nothing but that.
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
    kforge::cli::main()
}
