//! Roles inferred from all captures together. Each capture's roles come
//! from its own traffic ([`crate::roles::infer`]); a capture on the client
//! sees only the private side, the edge's external capture the public one.
//! An address seen by several captures is one host, and so are the inside
//! and outside addresses of a NAT mapping between two vantage points
//! ([`super::nat`]): such a group of (capture, address) is a [`Host`]. Its
//! role is the role of the strongest rule that fired for any of its
//! addresses in any capture (the rule order of [`crate::roles::RULES`]).
//!
//! Each capture then gets a role map with that role for every address of a
//! host it saw (addresses it saw without a role of their own included), its
//! own evidence first, then the strongest evidence of the host's other
//! addresses and captures (at most [`MAX_BORROWED`]; rule id and detail,
//! "seen as ADDR in capture N: …", no frames: their frame numbers belong
//! to the other capture). Addresses a `--role`
//! override names keep the override. Hosts are formed with a union-find
//! over one node per address each capture shows, and each address borrows
//! at most [`MAX_BORROWED`] entries, so the work is linear in the addresses.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::nat::NatMapping;
use crate::roles::{rule_index, USER_OVERRIDE};
use crate::{Analysis, Evidence, Role, RoleAssignment, RoleMap};

/// Most evidence entries an address borrows from the rest of its host (the
/// strongest): a NAT address shared by thousands of clients is one host,
/// and each address listing every other's evidence would grow with the
/// square of their number. Five, like the frames of one evidence entry
/// ([`crate::roles::MAX_EVIDENCE_FRAMES`]).
pub const MAX_BORROWED: usize = 5;

/// One host across the captures: its role and the addresses it has in
/// each of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// The role from all captures together.
    pub role: Role,
    /// (input, address), sorted.
    pub addresses: Vec<(usize, IpAddr)>,
}

/// Roles from all captures together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinedRoles {
    /// Each joined input's role map with the combined roles (the app moves
    /// each into that capture's diagnosis).
    pub per_input: Vec<RoleMap>,
    /// The hosts with a role, by role ([`Role::ALL`] order) then first
    /// address.
    pub hosts: Vec<Host>,
}

/// Union-find over node indices (path halving).
struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Priority of an evidence's rule, lower is stronger; overrides take no part.
fn strength(e: &Evidence) -> Option<usize> {
    (e.rule != USER_OVERRIDE).then(|| rule_index(e.rule))
}

/// Combines `own` (each input's roles from its own traffic) over the hosts
/// the addresses and `nat` mappings imply.
pub fn combine(analyses: &[&Analysis], own: &[RoleMap], nat: &[NatMapping]) -> JoinedRoles {
    // Nodes: every address with a role, and every flow end, per input.
    let mut index: HashMap<(usize, IpAddr), usize> = HashMap::new();
    let mut nodes: Vec<(usize, IpAddr)> = Vec::new();
    let mut node = |k: (usize, IpAddr), nodes: &mut Vec<(usize, IpAddr)>| {
        *index.entry(k).or_insert_with(|| {
            nodes.push(k);
            nodes.len() - 1
        })
    };
    for (i, roles) in own.iter().enumerate() {
        for a in &roles.assignments {
            node((i, a.address), &mut nodes);
        }
    }
    for (i, a) in analyses.iter().enumerate() {
        for f in &a.flows {
            node((i, f.client.ip), &mut nodes);
            node((i, f.server.ip), &mut nodes);
        }
    }
    let mut nat_pairs = Vec::with_capacity(nat.len());
    for m in nat {
        let a = node((m.inside_input, m.inside.ip), &mut nodes);
        let b = node((m.outside_input, m.outside.ip), &mut nodes);
        nat_pairs.push((a, b));
    }
    let mut sets = Sets((0..nodes.len()).collect());
    let mut by_ip: HashMap<IpAddr, usize> = HashMap::new();
    for (n, (_, ip)) in nodes.iter().enumerate() {
        let first = *by_ip.entry(*ip).or_insert(n);
        sets.union(first, n);
    }
    for (a, b) in nat_pairs {
        sets.union(a, b);
    }
    // Each host's members and its strongest evidence's role.
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for n in 0..nodes.len() {
        members.entry(sets.find(n)).or_default().push(n);
    }
    let mut evidence_of: HashMap<(usize, IpAddr), &[Evidence]> = HashMap::new();
    for (i, roles) in own.iter().enumerate() {
        for a in &roles.assignments {
            evidence_of.insert((i, a.address), &a.evidence);
        }
    }
    let own_evidence =
        |k: (usize, IpAddr)| -> &[Evidence] { evidence_of.get(&k).copied().unwrap_or(&[]) };
    let mut assignments: Vec<Vec<RoleAssignment>> = vec![Vec::new(); own.len()];
    let mut hosts = Vec::new();
    for group in members.values() {
        // The host's strongest evidence (overrides take no part), at most
        // MAX_BORROWED + 1 entries: each address borrows those not its own.
        let mut strongest: Vec<(usize, (usize, IpAddr), &Evidence)> = Vec::new();
        for &n in group {
            for e in own_evidence(nodes[n]) {
                let Some(rank) = strength(e) else { continue };
                let at = strongest.partition_point(|(r, ..)| *r <= rank);
                if at <= MAX_BORROWED {
                    strongest.insert(at, (rank, nodes[n], e));
                    strongest.truncate(MAX_BORROWED + 1);
                }
            }
        }
        let Some(role) = strongest
            .first()
            .and_then(|(_, _, e)| crate::roles::rule_role(e.rule))
        else {
            continue;
        };
        let mut addresses: Vec<(usize, IpAddr)> = group.iter().map(|&n| nodes[n]).collect();
        addresses.sort_unstable();
        for &(i, ip) in &addresses {
            let mine = own_evidence((i, ip));
            if mine.iter().any(|e| e.rule == USER_OVERRIDE) {
                continue;
            }
            let mut evidence: Vec<Evidence> = mine.to_vec();
            evidence.extend(
                strongest
                    .iter()
                    .filter(|(_, at, _)| *at != (i, ip))
                    .take(MAX_BORROWED)
                    .map(|(_, (j, other), e)| Evidence {
                        rule: e.rule,
                        frames: Vec::new(),
                        detail: format!("seen as {other} in capture {}: {}", j + 1, e.detail),
                    }),
            );
            assignments[i].push(RoleAssignment {
                address: ip,
                role,
                evidence,
            });
        }
        hosts.push(Host { role, addresses });
    }
    let rank = |r: Role| Role::ALL.iter().position(|x| *x == r).unwrap_or(usize::MAX);
    let per_input = own
        .iter()
        .zip(assignments)
        .map(|(roles, mut list)| {
            // Overridden addresses as the capture's own map has them.
            list.extend(
                roles
                    .assignments
                    .iter()
                    .filter(|a| a.evidence.iter().any(|e| e.rule == USER_OVERRIDE))
                    .cloned(),
            );
            list.sort_unstable_by_key(|a| (rank(a.role), a.address));
            RoleMap::new(list)
        })
        .collect();
    hosts.sort_by_key(|h| (rank(h.role), h.addresses.first().map(|(_, ip)| *ip)));
    JoinedRoles { per_input, hosts }
}

#[cfg(test)]
mod tests;
