#![no_main]
// The harness is shared with crates/gotpl/tests/fuzz_regressions.rs, which replays
// fuzz/regressions/gotpl_exec/ through it.
// Each target uses one of the two harnesses.
#[allow(dead_code)]
#[path = "../src/gotpl.rs"]
mod gotpl;
libfuzzer_sys::fuzz_target!(|data: &[u8]| gotpl::gotpl_exec(data));
