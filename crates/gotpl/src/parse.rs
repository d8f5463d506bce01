//! Go's template parser (text/template/parse/parse.go) to [`crate::ast`]. Owned by the parser work.
