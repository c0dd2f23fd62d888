//! The `roles` and `findings` keys of the JSON document, projected from the
//! [`Diagnosis`]. Finding texts are edgecap's own words; every value that
//! came from the capture is an address or a number.

use edgecap_analyze::{Detail, Diagnosis, Evidence, Finding, RoleAssignment};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// `roles`: one entry per address with a role, at most `per_role` entries
/// of each role (the first addresses).
pub struct RolesJson<'a> {
    /// The diagnosis.
    pub diagnosis: &'a Diagnosis,
    /// Entries listed at most per role.
    pub per_role: usize,
}

/// `findings`: sorted by severity, then first frame; at most `limit` (the
/// most severe).
pub struct FindingsJson<'a> {
    /// The diagnosis.
    pub diagnosis: &'a Diagnosis,
    /// Entries listed at most.
    pub limit: usize,
}

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

/// A finding's `details` as a JSON object (keys in their fixed order).
pub struct DetailsJson<'a>(pub &'a [(&'static str, Detail)]);

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
    /// Every entry, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = impl Serialize + 'a> {
        self.diagnosis.roles.assignments.iter().map(role_json)
    }

    /// The assignments listed by `--json`: the first `per_role` of each role.
    fn listed(&self) -> impl Iterator<Item = &'a RoleAssignment> {
        let per_role = self.per_role;
        let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
        self.diagnosis.roles.assignments.iter().filter(move |a| {
            let n = seen.entry(a.role.as_str()).or_default();
            *n += 1;
            *n <= per_role
        })
    }

    /// Assignments beyond the per-role cap.
    pub fn omitted(&self) -> usize {
        self.diagnosis.roles.assignments.len() - self.listed().count()
    }
}

fn role_json(a: &RoleAssignment) -> RoleJson<'_> {
    RoleJson {
        address: a.address.to_string(),
        role: a.role.as_str(),
        evidence: a.evidence.iter().map(evidence_json).collect(),
    }
}

impl Serialize for RolesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.listed().map(role_json))
    }
}

impl<'a> FindingsJson<'a> {
    /// The entries, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = impl Serialize + 'a> {
        self.diagnosis.findings.iter().map(finding_json)
    }
}

/// One finding's entry (also a `finding` line of `summary --follow`).
pub fn finding_json(f: &Finding) -> impl Serialize + '_ {
    FindingJson {
        id: f.id,
        severity: f.severity.as_str(),
        summary: &f.summary,
        explanation: &f.explanation,
        frames: f.frames.iter().map(|n| n.0).collect(),
        flows: f.flows.iter().map(|id| id.0).collect(),
        details: DetailsJson(&f.details),
    }
}

impl FindingsJson<'_> {
    /// Findings beyond the cap.
    pub fn omitted(&self) -> usize {
        self.diagnosis.findings.len().saturating_sub(self.limit)
    }
}

impl Serialize for FindingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries().take(self.limit))
    }
}
