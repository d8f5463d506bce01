// kforge builds and drops many small trees (YAML nodes, JSON objects): mimalloc is markedly
// faster than the system allocator at that, and with several threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kforge::cli::main()
}
