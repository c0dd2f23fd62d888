//! STUB: text and JSON reports.
