//! [`Loaded`]: what loading a capture produced — the analysis, its
//! diagnosis and the ladder index the views draw — shared by the app state,
//! the loader, the hex dump and the views.

use crate::ladder::Index;
use edgecap_analyze::{Analysis, Diagnosis};

/// Everything loading produced.
#[derive(Debug)]
pub struct Loaded {
    /// The analysis.
    pub analysis: Analysis,
    /// Roles and findings.
    pub diagnosis: Diagnosis,
    /// Rows, columns and groups for the views.
    pub index: Index,
}

impl Loaded {
    /// Diagnoses nothing: wraps an analysis and its diagnosis, building the index.
    pub fn new(analysis: Analysis, diagnosis: Diagnosis) -> Loaded {
        let index = Index::build(&analysis, &diagnosis);
        Loaded {
            analysis,
            diagnosis,
            index,
        }
    }
}
