//! STUB (being written): role inference.

use super::{EdgeConfig, RoleMap};
use crate::engine::Analysis;

/// Infers the role of every address from the traffic, then applies `cfg.role_overrides`.
pub fn infer(analysis: &Analysis, cfg: &EdgeConfig) -> RoleMap {
    let _ = (analysis, cfg);
    RoleMap::default()
}
