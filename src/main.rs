//! The `edgecap` command line (stub).
fn main() {}
