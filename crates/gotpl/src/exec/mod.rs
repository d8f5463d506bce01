//! The executor (text/template/exec.go) and Helm's engine functions that need it (`include`,
//! `tpl`, `required`, `lookup`). Owned by the executor work.
