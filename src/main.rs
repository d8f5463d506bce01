fn main() -> std::process::ExitCode {
    kforge::cli::main()
}
