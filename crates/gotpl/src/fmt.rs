//! Go's `fmt` over [`crate::Value`]: `%v` and friends, `print`, shortest float formatting.
