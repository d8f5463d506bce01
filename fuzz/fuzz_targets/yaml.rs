#![no_main]
// The harness lives in src/lib.rs so tests/no_panic.rs replays fuzz/regressions/yaml/ through it.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kforge_fuzz::yaml(data));
