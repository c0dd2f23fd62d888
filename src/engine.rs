//! STUB: drives a capture through the layers.
