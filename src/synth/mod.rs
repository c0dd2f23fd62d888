//! STUB (being written): synthetic packet building for tests and generated captures.
