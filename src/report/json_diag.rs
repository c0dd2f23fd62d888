//! The `roles` and `findings` keys of the JSON document, projected from the
//! [`Diagnosis`]. Finding texts are edgecap's own words; every value that
//! came from the capture is an address or a number.

use edgecap_analyze::{Detail, Diagnosis, Evidence};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// `roles`: one entry per address with a role.
pub struct RolesJson<'a>(pub &'a Diagnosis);

/// `findings`: sorted by severity, then first frame.
pub struct FindingsJson<'a>(pub &'a Diagnosis);

#[derive(Serialize)]
struct RoleJson<'a> {
    address: String,
    role: &'static str,
    evidence: Vec<EvidenceJson<'a>>,
}

#[derive(Serialize)]
struct EvidenceJson<'a> {
    rule: &'static str,
    frames: Vec<u64>,
    detail: &'a str,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    id: &'static str,
    severity: &'static str,
    summary: &'a str,
    explanation: &'a str,
    frames: Vec<u64>,
    flows: Vec<u32>,
    details: DetailsJson<'a>,
}

struct DetailsJson<'a>(&'a [(&'static str, Detail)]);

impl Serialize for DetailsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            match value {
                Detail::Count(n) => map.serialize_entry(key, n)?,
                Detail::Port(p) => map.serialize_entry(key, p)?,
                Detail::Address(a) | Detail::Text(a) => map.serialize_entry(key, a)?,
                Detail::List(items) => map.serialize_entry(key, items)?,
            }
        }
        map.end()
    }
}

fn evidence_json(e: &Evidence) -> EvidenceJson<'_> {
    EvidenceJson {
        rule: e.rule,
        frames: e.frames.iter().map(|f| f.0).collect(),
        detail: &e.detail,
    }
}

impl<'a> RolesJson<'a> {
    /// The entries, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = impl Serialize + 'a> {
        self.0.roles.assignments.iter().map(|a| RoleJson {
            address: a.address.to_string(),
            role: a.role.as_str(),
            evidence: a.evidence.iter().map(evidence_json).collect(),
        })
    }
}

impl Serialize for RolesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries())
    }
}

impl<'a> FindingsJson<'a> {
    /// The entries, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = impl Serialize + 'a> {
        self.0.findings.iter().map(|f| FindingJson {
            id: f.id,
            severity: f.severity.as_str(),
            summary: &f.summary,
            explanation: &f.explanation,
            frames: f.frames.iter().map(|n| n.0).collect(),
            flows: f.flows.iter().map(|id| id.0).collect(),
            details: DetailsJson(&f.details),
        })
    }
}

impl Serialize for FindingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries())
    }
}
