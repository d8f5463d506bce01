// kforge builds and drops many small trees (YAML nodes, JSON objects): mimalloc is markedly
// faster than the system allocator at that, and with several threads. `Guarded` bounds the
// memory of each template render (see kforge::memory).
#[global_allocator]
static GLOBAL: kforge::memory::Guarded<kforge::memory::Mimalloc> =
    kforge::memory::Guarded::new(kforge::memory::Mimalloc);

fn main() -> std::process::ExitCode {
    // Before any real work touches the allocator's arena (issue 19: page faults, peak memory).
    kforge::memory::no_huge_pages();
    kforge::cli::main()
}
