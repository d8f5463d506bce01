//! Executor tests on hand-built trees (the golden cases test against Helm).
