//! Which ladder rows to show: quick filters (problems only, one flow, the
//! rows between two columns, one protocol) and text search over the rows.
//! Everything works on the in-memory [`Index`]: filtering a million rows is a
//! linear scan, never a re-read of the capture.

use std::fmt;

use super::{Index, LadderRow, Outcome, RowSource};
use edgecap_analyze::Analysis;
use edgecap_net::FlowId;
use edgecap_proto::ProtoMsg;

/// The protocol family of a ladder row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKind {
    /// STUN, TURN and MS-TURN messages.
    Stun,
    /// TURN ChannelData and MS-TURN data.
    Channel,
    /// TLS records.
    Tls,
    /// The MS-TURN pseudo-TLS hellos.
    PseudoTls,
    /// SYN, SYN-ACK and RST.
    TcpControl,
    /// ICMP / ICMPv6 destination-unreachable errors.
    Icmp,
    /// SIP messages.
    Sip,
}

impl RowKind {
    /// Every kind, in menu order.
    pub const ALL: [RowKind; 7] = [
        RowKind::Stun,
        RowKind::Channel,
        RowKind::Tls,
        RowKind::PseudoTls,
        RowKind::TcpControl,
        RowKind::Icmp,
        RowKind::Sip,
    ];

    /// The kind of `row`.
    pub fn of(analysis: &Analysis, row: &LadderRow) -> RowKind {
        match row.source {
            RowSource::Message(i) => match analysis.proto.messages.get(i).map(|d| &d.msg) {
                Some(ProtoMsg::TurnChannel(_)) => RowKind::Channel,
                Some(ProtoMsg::Tls(_)) => RowKind::Tls,
                Some(ProtoMsg::PseudoTls(_)) => RowKind::PseudoTls,
                Some(ProtoMsg::Icmp(_)) => RowKind::Icmp,
                Some(ProtoMsg::Sip(_)) => RowKind::Sip,
                _ => RowKind::Stun,
            },
            RowSource::Syn(_) | RowSource::SynAck(_) | RowSource::Rst(_) => RowKind::TcpControl,
            RowSource::Log { .. } => RowKind::Sip,
        }
    }

    /// Menu and status-line name.
    pub fn name(self) -> &'static str {
        match self {
            RowKind::Stun => "STUN/TURN",
            RowKind::Channel => "TURN channel data",
            RowKind::Tls => "TLS",
            RowKind::PseudoTls => "pseudo-TLS",
            RowKind::TcpControl => "TCP SYN/RST",
            RowKind::Icmp => "ICMP errors",
            RowKind::Sip => "SIP",
        }
    }
}

/// A quick filter over the ladder rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowFilter {
    /// Every row.
    #[default]
    All,
    /// Failures and warnings: error responses, RSTs, alerts, retransmissions,
    /// unanswered requests, 401/438 challenges other than the normal first
    /// 401 to an anonymous Allocate.
    Problems,
    /// The rows of one flow.
    Flow(FlowId),
    /// The rows between two columns, in either direction (lower index first).
    Between(usize, usize),
    /// The rows of one protocol family.
    Kind(RowKind),
}

impl RowFilter {
    /// Whether `row` passes.
    pub fn keeps(self, analysis: &Analysis, row: &LadderRow) -> bool {
        match self {
            RowFilter::All => true,
            RowFilter::Problems => matches!(row.outcome, Outcome::Bad | Outcome::Warn),
            RowFilter::Flow(id) => row.flow == id,
            RowFilter::Between(a, b) => (row.from.min(row.to), row.from.max(row.to)) == (a, b),
            RowFilter::Kind(k) => RowKind::of(analysis, row) == k,
        }
    }

    /// The indices of the rows of `index` that pass, in ladder order.
    pub fn apply(self, index: &Index, analysis: &Analysis) -> Vec<usize> {
        index
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| self.keeps(analysis, r))
            .map(|(i, _)| i)
            .collect()
    }

    /// A one-line description, with column titles from `index`.
    pub fn describe(self, index: &Index) -> String {
        let col = |c: usize| -> String {
            let Some(title) = index.columns.get(c) else {
                return "?".to_string();
            };
            // Lanes sharing a title (one host's ports) are told apart by
            // their address.
            let shared = index.columns.iter().filter(|t| *t == title).count() > 1;
            match index.hosts.get(c).map(|h| h.short()) {
                Some(a) if shared && !a.is_empty() => format!("{title} {a}"),
                _ => title.clone(),
            }
        };
        match self {
            RowFilter::All => "all rows".to_string(),
            RowFilter::Problems => "problems only".to_string(),
            RowFilter::Flow(id) => format!("flow {id}"),
            RowFilter::Between(a, b) if a == b => format!("within {}", col(a)),
            RowFilter::Between(a, b) => format!("{} ⇄ {}", col(a), col(b)),
            RowFilter::Kind(k) => k.name().to_string(),
        }
    }

    /// The filters worth offering for this ladder: all, problems, the flow
    /// of the selected row, every column pair and protocol present.
    pub fn choices(index: &Index, analysis: &Analysis, selected: Option<usize>) -> Vec<RowFilter> {
        let mut out = vec![RowFilter::All, RowFilter::Problems];
        if let Some(row) = selected.and_then(|i| index.rows.get(i)) {
            out.push(RowFilter::Flow(row.flow));
        }
        let mut pairs: Vec<(usize, usize)> = index
            .rows
            .iter()
            .map(|r| (r.from.min(r.to), r.from.max(r.to)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        out.extend(pairs.into_iter().map(|(a, b)| RowFilter::Between(a, b)));
        let mut kinds: Vec<RowKind> = index
            .rows
            .iter()
            .map(|r| RowKind::of(analysis, r))
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        out.extend(kinds.into_iter().map(RowFilter::Kind));
        out
    }
}

/// A case-insensitive text search over the label, frame number and column
/// titles of ladder rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowSearch {
    needle: String,
}

impl RowSearch {
    /// A search for `query` (empty matches nothing).
    pub fn new(query: &str) -> RowSearch {
        RowSearch {
            needle: query.to_lowercase(),
        }
    }

    /// Whether `row` matches.
    pub fn matches(&self, index: &Index, row: &LadderRow) -> bool {
        if self.needle.is_empty() {
            return false;
        }
        let hit = |s: &str| s.to_lowercase().contains(&self.needle);
        hit(&row.label)
            || row.frame.0.to_string() == self.needle
            || [row.from, row.to]
                .iter()
                .any(|&c| index.columns.get(c).is_some_and(|t| hit(t)))
    }

    /// Position in `visible` of the first match at or after `from` (wrapping
    /// around), searching backwards when `forward` is false.
    pub fn next_in(
        &self,
        index: &Index,
        visible: &[usize],
        from: usize,
        forward: bool,
    ) -> Option<usize> {
        let n = visible.len();
        (0..n)
            .map(|k| {
                if forward {
                    (from + k) % n
                } else {
                    (from + n - k % n) % n
                }
            })
            .find(|&pos| self.matches(index, &index.rows[visible[pos]]))
    }
}

impl fmt::Display for RowSearch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::diagnosed;

    fn field(name: &str) -> (Analysis, Index) {
        let (a, d) = diagnosed(name);
        let index = Index::build(&a, &d);
        (a, index)
    }

    #[test]
    fn every_filter_keeps_a_subset_in_order_and_all_keeps_everything() {
        let (a, index) = field("field-desktop-sharing-refused.pcap");
        let all = RowFilter::All.apply(&index, &a);
        assert_eq!(all, (0..index.rows.len()).collect::<Vec<_>>());
        for f in RowFilter::choices(&index, &a, Some(0)) {
            let kept = f.apply(&index, &a);
            assert!(!kept.is_empty(), "{f:?} offered but keeps nothing");
            assert!(kept.windows(2).all(|w| w[0] < w[1]));
            for &i in &kept {
                assert!(f.keeps(&a, &index.rows[i]));
            }
        }
    }

    fn problem_labels(name: &str) -> Vec<String> {
        let (a, index) = field(name);
        let kept = RowFilter::Problems.apply(&index, &a);
        kept.iter().map(|&i| index.rows[i].label.clone()).collect()
    }

    #[test]
    fn problems_are_the_refused_connections_not_the_normal_challenge() {
        let labels = problem_labels("field-desktop-sharing-refused.pcap");
        assert_eq!(
            labels
                .iter()
                .filter(|l| l.starts_with("RST (refused)"))
                .count(),
            3,
            "{labels:?}"
        );
        // The 401 to the anonymous Allocate is answered by an authenticated
        // Allocate (frame 8): the normal start of TURN authentication.
        assert!(!labels.iter().any(|l| l.starts_with("401")), "{labels:?}");
        assert!(!labels.iter().any(|l| l.contains('✓')), "{labels:?}");
    }

    #[test]
    fn the_error_after_the_challenge_is_the_problem() {
        // Two clients' authenticated Allocates rejected with 436: the 436s
        // are problems, the 401s that preceded them are not.
        let labels = problem_labels("field-unknown-user.pcap");
        assert_eq!(labels.len(), 2, "{labels:?}");
        assert!(labels.iter().all(|l| l.starts_with("436")), "{labels:?}");
        let (a, index) = field("field-unknown-user.pcap");
        let challenges = index
            .rows
            .iter()
            .filter(|r| r.label.starts_with("401"))
            .inspect(|r| assert_eq!(r.outcome, Outcome::Neutral, "{r:?}"))
            .count();
        assert_eq!(challenges, 2);
        assert!(RowFilter::All.apply(&index, &a).len() > labels.len());
    }

    #[test]
    fn flow_pair_and_kind_filters_select_what_they_name() {
        let (a, index) = field("field-desktop-sharing-refused.pcap");
        let rst = index
            .rows
            .iter()
            .position(|r| r.label.starts_with("RST"))
            .expect("an RST row");
        let flow = index.rows[rst].flow;
        for &i in &RowFilter::Flow(flow).apply(&index, &a) {
            assert_eq!(index.rows[i].flow, flow);
        }
        let tcp = RowFilter::Kind(RowKind::TcpControl).apply(&index, &a);
        assert!(tcp.iter().all(|&i| {
            let l = &index.rows[i].label;
            l.starts_with("SYN") || l.starts_with("RST")
        }));
        let r = &index.rows[rst];
        let pair = RowFilter::Between(r.from.min(r.to), r.from.max(r.to));
        assert!(pair.apply(&index, &a).contains(&rst));
        assert!(pair.describe(&index).contains('⇄'));
    }

    #[test]
    fn search_wraps_both_ways_and_is_case_insensitive() {
        let (_, index) = field("field-desktop-sharing-refused.pcap");
        let visible: Vec<usize> = (0..index.rows.len()).collect();
        let s = RowSearch::new("rst (REFUSED)");
        let hits: Vec<usize> = visible
            .iter()
            .copied()
            .filter(|&i| s.matches(&index, &index.rows[i]))
            .collect();
        assert_eq!(hits.len(), 3);
        let n = visible.len();
        assert_eq!(s.next_in(&index, &visible, hits[2], true), Some(hits[2]));
        assert_eq!(
            s.next_in(&index, &visible, (hits[2] + 1) % n, true),
            Some(hits[0])
        );
        assert_eq!(
            s.next_in(&index, &visible, hits[0] - 1, false),
            Some(hits[2])
        );
        assert_eq!(
            s.next_in(&index, &visible, hits[0] + 1, true),
            Some(hits[1])
        );
        assert_eq!(RowSearch::new("").next_in(&index, &visible, 0, true), None);
        assert_eq!(
            RowSearch::new("no such thing").next_in(&index, &visible, 0, true),
            None
        );
        let by_frame = RowSearch::new(&index.rows[hits[1]].frame.0.to_string());
        assert!(by_frame.matches(&index, &index.rows[hits[1]]));
    }
}
