// kforge builds and drops many small trees (YAML nodes, JSON objects): mimalloc is markedly
// faster than the system allocator at that, and with several threads. `Guarded` bounds the
// memory of each template render (see kforge::memory).
#[global_allocator]
static GLOBAL: kforge::memory::Guarded<kforge::memory::Mimalloc> =
    kforge::memory::Guarded::new(kforge::memory::Mimalloc);

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
