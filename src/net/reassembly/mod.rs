//! STUB (being written): TCP stream reassembly.
