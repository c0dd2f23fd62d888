//! [`Loaded`]: what loading a capture produced — the analysis, its
//! diagnosis, the ladder index and the sessions the views draw — shared by the app state,
//! the loader, the hex dump and the views.

use super::sessions::{sessions, Session};
use crate::inputs::LogInput;
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
    /// Allocations and calls for the sessions view.
    pub sessions: Vec<Session>,
    /// The longest ladder label, in characters (for the layout).
    pub label_width: u16,
    /// The longest findings-list line (severity, id, summary), in characters.
    pub findings_width: u16,
    /// The logs read (beside the capture, or alone), whose messages the
    /// index's log rows name.
    pub logs: Vec<LogInput>,
}

fn chars(s: &str) -> u16 {
    u16::try_from(s.chars().count()).unwrap_or(u16::MAX)
}

impl Loaded {
    /// Diagnoses nothing: wraps an analysis and its diagnosis, building the index.
    pub fn new(analysis: Analysis, diagnosis: Diagnosis) -> Loaded {
        Loaded::with_logs(analysis, diagnosis, Vec::new())
    }

    /// [`Loaded::new`] with the logs read beside the capture (or alone):
    /// their messages join the ladder.
    pub fn with_logs(analysis: Analysis, diagnosis: Diagnosis, logs: Vec<LogInput>) -> Loaded {
        let index = Index::build_with_logs(&analysis, &diagnosis, &logs);
        let label_width = index.rows.iter().map(|r| chars(&r.label)).max();
        let findings_width = diagnosis
            .findings
            .iter()
            .map(|f| {
                chars(f.id)
                    .saturating_add(chars(&f.summary))
                    .saturating_add(9)
            })
            .max();
        let sessions = sessions(&analysis, &diagnosis);
        Loaded {
            sessions,
            analysis,
            diagnosis,
            index,
            label_width: label_width.unwrap_or(0),
            findings_width: findings_width.unwrap_or(0),
            logs,
        }
    }
}
