//! Go's `text/template` with Sprig v3 and Helm v4's functions, rendering byte for byte what Helm
//! renders. kforge's Helm engine: the chart layer (in kforge) parses a chart's templates into one
//! [`Templates`] set in Helm's order and executes each file.
//!
//! Layout, one job per module:
//! - [`ast`]: the parse tree, a byte span on every node.
//! - `lex`, `parse`: Go's lexer and parser (trim markers, comments, pipelines, control flow,
//!   `define`/`block`), with function names checked at parse time as Go does.
//! - [`value`]: the value model (Go's dynamic types, maps and lists shared by reference).
//! - `fmt`: Go's `fmt` verbs and value printing (`%v`, `%d`, `%q`, shortest floats, `<no value>`).
//! - `exec`: the executor: pipelines, variables, control flow, templates, `include`/`tpl`,
//!   argument conversion, errors in Go's and Helm's words, limits, output origins.
//! - `builtins`: Go's own functions (`and`, `or`, `eq`, `index`, `printf`, …).
//! - `sprig`: Sprig v3's functions, one module per family.
//! - `encode`: `toYaml` (sigs.k8s.io/yaml + go-yaml v2's emitter), `toJson` (encoding/json),
//!   `fromYaml`, `fromJson`, `toToml`.
//! - `crypto`, `random`, `date`: certificates and keys, random strings, time.
//! - [`track`]: which values a render read (kforge's `values/unknown-key` and `values/no-effect`).
//!
//! Rendering is single-threaded per chart (values are `Rc`); parsed trees are `Send + Sync`.

// Input must never panic the engine: no unwrap/expect/indexing outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod ast;
pub mod builtins;
pub mod cost;
pub mod crypto;
pub mod date;
pub mod encode;
pub mod exec;
pub mod fmt;
pub mod func;
pub mod funcs;
pub mod lex;
pub mod parse;
pub mod random;
pub mod sprig;
pub mod track;
pub mod value;

pub use value::Value;
