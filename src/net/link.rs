//! STUB (being written): link-layer headers.
