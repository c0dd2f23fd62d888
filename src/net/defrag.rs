//! STUB (being written): IPv4 defragmentation.
