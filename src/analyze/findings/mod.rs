//! STUB (being written): the finding detectors.

use super::{EdgeConfig, Finding, RoleMap};
use crate::engine::Analysis;

/// Runs every detector.
pub fn detect(analysis: &Analysis, roles: &RoleMap, cfg: &EdgeConfig) -> Vec<Finding> {
    let _ = (analysis, roles, cfg);
    Vec::new()
}
