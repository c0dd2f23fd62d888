//! Lanes on real captures: a host talking to itself split into lanes by
//! port, each lane's addresses, and rows to the shared "other hosts" lane
//! naming their host.

use std::net::IpAddr;

use super::{Index, RowSource};
use crate::test_util::diagnosed;

fn index(name: &str) -> (edgecap_analyze::Analysis, edgecap_analyze::Diagnosis, Index) {
    let (a, d) = diagnosed(name);
    let ix = Index::build(&a, &d);
    (a, d, ix)
}

#[test]
fn a_loopback_host_gets_a_lane_per_service_port() {
    let (a, _, ix) = index("coturn-loopback.pcap");
    let hosts: Vec<String> = ix.hosts.iter().map(|h| h.short()).collect();
    assert_eq!(
        hosts,
        ["127.0.0.1:*", "127.0.0.1:3478", "127.0.0.1:3480"],
        "{:?}",
        ix.columns
    );
    assert!(ix.columns.iter().all(|c| c == "external edge"));
    assert!(ix.rows.iter().all(|r| r.from != r.to), "no loops left");
    // Each row's lanes are its flow's ports: the server port's lane at
    // one end, the client's (ephemeral) lane at the other.
    for r in &ix.rows {
        let (_, client, server) = a.flow_ends(r.flow).expect("flow");
        let lane_of = |port: u16| {
            hosts
                .iter()
                .position(|h| *h == format!("127.0.0.1:{port}"))
                .unwrap_or(0)
        };
        let ends = [lane_of(client.port), lane_of(server.port)];
        assert!(
            ends.contains(&r.from) && ends.contains(&r.to),
            "row {r:?} flow {client} → {server}"
        );
    }
    // The filter menu tells the port lanes apart by address.
    assert_eq!(
        super::filter::RowFilter::Between(0, 1).describe(&ix),
        "external edge 127.0.0.1:* ⇄ external edge 127.0.0.1:3478"
    );
    let groups: Vec<&str> = ix.groups.iter().map(|g| g.pair.as_str()).collect();
    assert!(
        groups.contains(&"external edge 127.0.0.1 other ports ⇄ external edge 127.0.0.1:3478"),
        "{groups:?}"
    );
}

#[test]
fn role_lanes_list_the_addresses_of_that_role() {
    let (_, d, ix) = index("field-desktop-sharing-refused.pcap");
    for (c, title) in ix.columns.iter().enumerate() {
        let hosts = &ix.hosts[c];
        assert!(!hosts.shown.is_empty(), "{title}");
        for a in &hosts.shown {
            let ip: IpAddr = a.parse().expect("an address");
            let role = d.roles.role_of(ip).expect("a role");
            assert_eq!(role.words(), title);
        }
    }
    assert_eq!(ix.hosts[0].short(), "10.98.2.1");
}

#[test]
fn rows_to_other_hosts_name_the_host() {
    use edgecap_testkit::ip::udp;
    use edgecap_testkit::messages::{binding, capture, sa};
    // Eight clients Binding to one server, then two more hosts talking to
    // each other: more hosts than lanes, so the last ones share "other".
    let mut packets: Vec<Vec<u8>> = (1..=8)
        .map(|n| {
            udp(
                sa(&format!("10.0.0.{n}:5000{n}")),
                sa("192.0.2.1:3478"),
                &binding(n),
            )
        })
        .collect();
    packets.push(udp(sa("10.0.9.1:40000"), sa("10.0.9.2:3478"), &binding(9)));
    let a = edgecap_analyze::analyze_capture(
        capture(&packets),
        "many-hosts",
        &edgecap_analyze::AnalyzeOptions::default(),
    );
    let d = edgecap_analyze::diagnose(&a, &edgecap_analyze::EdgeConfig::default());
    let ix = Index::build(&a, &d);
    assert_eq!(ix.columns.len(), super::MAX_COLUMNS, "{:?}", ix.columns);
    let other = ix.columns.len() - 1;
    assert_eq!(ix.columns[other], "other hosts");
    let rows: Vec<_> = ix
        .rows
        .iter()
        .filter(|r| r.from == other || r.to == other)
        .collect();
    assert_eq!(rows.len(), 5, "{rows:?}");
    for r in &rows {
        let (_, client, server) = a.flow_ends(r.flow).expect("flow");
        let named = r
            .label
            .strip_prefix('[')
            .and_then(|l| l.split(']').next())
            .unwrap_or_else(|| panic!("no host named: {r:?}"));
        let want = if r.from == other && r.to == other {
            format!("{} → {}", client.ip, server.ip)
        } else {
            client.ip.to_string()
        };
        assert_eq!(named, want, "{r:?}");
        assert!(!matches!(r.source, RowSource::Syn(_)));
    }
    // The lane lists the hosts it stands for.
    let listed = ix.hosts[other].full();
    assert!(listed.starts_with("10.0.0.5, 10.0.0.6"), "{listed}");
}
