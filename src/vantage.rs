//! Several captures of one call from different vantage points (the client,
//! the edge's internal and external interfaces, the partner's edge): told
//! apart from logs by content ([`crate::inputs::sniff`]), each named (its
//! file stem, made unique, or `--name FILE=NAME`), analysed and diagnosed on
//! its own with the usual pipeline, joined by [`edgecap_analyze::join`],
//! then diagnosed with the roles of all captures together. The first capture given is the reference
//! clock; `--offset FILE=SECONDS` sets another one's clock against it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use edgecap_analyze::join::{self, Join, JoinInput};
use edgecap_analyze::{diagnose, diagnose_with_roles, Analysis, Diagnosis, EdgeConfig, Severity};
use edgecap_core::safe::{escape_bytes, escape_path, path_bytes};

/// One capture and its analysis.
#[derive(Debug)]
pub struct Vantage {
    /// The file.
    pub path: PathBuf,
    /// Its name's bytes (a file stem need not be UTF-8).
    pub name_bytes: Vec<u8>,
    /// Its name as printed (escaped).
    pub name: String,
    /// Its clock minus the first capture's, from `--offset`, nanoseconds.
    pub offset_override: Option<i64>,
    /// The analysis.
    pub analysis: Analysis,
    /// Its diagnosis on its own.
    pub diagnosis: Diagnosis,
}

/// Parses `FILE=NAME` of `--name`.
pub fn parse_name(s: &str) -> Result<(PathBuf, String), String> {
    let (file, name) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("expected FILE=NAME, got {s:?}"))?;
    if name.is_empty() || name.contains(['#', ' ']) {
        return Err(format!(
            "{name:?}: a name is not empty and has no space or '#'"
        ));
    }
    Ok((PathBuf::from(file), name.to_string()))
}

/// The name of each of `paths`: the `--name` given for it, else its file
/// stem (up to the first dot), with `-2`, `-3`, … added to repeats.
pub fn names(paths: &[PathBuf], given: &[(PathBuf, String)]) -> Vec<Vec<u8>> {
    let mut used = HashSet::new();
    paths
        .iter()
        .map(|p| {
            let base: Vec<u8> = match given.iter().find(|(f, _)| f == p) {
                Some((_, n)) => n.as_bytes().to_vec(),
                None => stem(p),
            };
            let mut name = base.clone();
            let mut k = 2;
            while !used.insert(name.clone()) {
                name = base.clone();
                name.extend_from_slice(format!("-{k}").as_bytes());
                k += 1;
            }
            name
        })
        .collect()
}

/// `dir/client.pcapng.gz` → `client`; standard input is `stdin`.
fn stem(p: &Path) -> Vec<u8> {
    if p == Path::new("-") {
        return b"stdin".to_vec();
    }
    let file = p
        .file_name()
        .map_or_else(|| path_bytes(p), |f| path_bytes(Path::new(f)));
    let stem = file.split(|b| *b == b'.').next().unwrap_or(&[]);
    if stem.is_empty() {
        file.to_vec()
    } else {
        stem.to_vec()
    }
}

/// Checks that every `--name` and `--offset` names one of the captures or
/// logs given.
pub fn check_flags(
    captures: &[PathBuf],
    logs: &[PathBuf],
    given: &[(PathBuf, String)],
    offsets: &[(PathBuf, i64)],
) -> Result<(), String> {
    if let Some((p, _)) = given.iter().find(|(p, _)| !captures.contains(p)) {
        return Err(format!(
            "--name {}: not one of the captures given",
            escape_path(p)
        ));
    }
    if let Some((p, _)) = offsets
        .iter()
        .find(|(p, _)| !captures.contains(p) && !logs.contains(p))
    {
        return Err(format!(
            "--offset {}: not one of the files given",
            escape_path(p)
        ));
    }
    if let Some((p, _)) = offsets.iter().find(|(p, _)| captures.first() == Some(p)) {
        return Err(format!(
            "--offset {}: the first capture is the reference clock; give the others' offsets against it",
            escape_path(p)
        ));
    }
    Ok(())
}

/// Loads each capture, joins them, and diagnoses each with the roles
/// inferred from all joined captures together
/// ([`edgecap_analyze::join::roles`]); or says which could not be read.
pub fn load_and_join(
    paths: &[PathBuf],
    given: &[(PathBuf, String)],
    offsets: &[(PathBuf, i64)],
    edge: &crate::cli::args::EdgeArgs,
) -> Result<(Vec<Vantage>, Join), String> {
    let names = names(paths, given);
    let opts = edge.analyze_options();
    let mut loaded = Vec::with_capacity(paths.len());
    for (path, name_bytes) in paths.iter().zip(names) {
        let analysis = crate::cli::load(path, &opts).map_err(|e| e.to_string())?;
        loaded.push((path.clone(), name_bytes, analysis));
    }
    Ok(join_analyses(loaded, offsets, &edge.edge_config()))
}

/// Joins captures already analysed, as (path, name as bytes, analysis),
/// then diagnoses each with the roles of all of them together.
pub fn join_analyses(
    analysed: Vec<(PathBuf, Vec<u8>, Analysis)>,
    offsets: &[(PathBuf, i64)],
    cfg: &EdgeConfig,
) -> (Vec<Vantage>, Join) {
    let loaded: Vec<_> = analysed
        .into_iter()
        .map(|(path, name_bytes, analysis)| {
            let name = escape_bytes(&name_bytes).into_owned();
            (path, name_bytes, name, analysis)
        })
        .collect();
    let override_of = |path: &PathBuf| offsets.iter().find(|(p, _)| p == path).map(|(_, o)| *o);
    let inputs: Vec<JoinInput<'_>> = loaded
        .iter()
        .map(|(path, _, name, analysis)| JoinInput {
            name,
            analysis,
            offset_override_ns: override_of(path),
        })
        .collect();
    let mut joined = join::join(&inputs, cfg);
    drop(inputs);
    let mut combined = std::mem::take(&mut joined.roles.per_input).into_iter();
    let vs = loaded
        .into_iter()
        .map(|(path, name_bytes, name, analysis)| {
            let diagnosis = match combined.next() {
                Some(roles) => diagnose_with_roles(&analysis, roles, cfg),
                None => diagnose(&analysis, cfg),
            };
            Vantage {
                offset_override: override_of(&path),
                path,
                name,
                name_bytes,
                analysis,
                diagnosis,
            }
        })
        .collect();
    (vs, joined)
}

/// The most severe finding of any capture or of the join.
pub fn worst(vs: &[Vantage], j: &Join) -> Option<Severity> {
    vs.iter()
        .filter_map(|v| v.diagnosis.worst())
        .chain(j.findings.iter().map(|f| f.severity))
        .min()
}

#[cfg(test)]
mod tests;
