//! Helm's chart semantics on top of the Go template engine (`kforge-gotpl`): which subcharts
//! take part ([`deps`]), the values as Go values ([`values`]), the built-in objects
//! ([`objects`]), `.Files.Glob` patterns ([`glob`]), and which engine a chart is written for
//! ([`engine`]).

pub mod capabilities;
pub mod deps;
mod encode;
pub mod engine;
pub mod glob;
pub mod objects;
pub mod render;
pub mod stream;
pub mod values;
