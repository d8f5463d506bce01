//! Go's template lexer (text/template/parse/lex.go). Owned by the parser work.
