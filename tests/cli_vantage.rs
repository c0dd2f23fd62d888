//! End to end: `edgecap summary` and `edgecap ladder` on the client / edge
//! capture pair (`captures/multi-client.pcap`, `captures/multi-edge-ext.pcap`),
//! joined. The frames the findings name are checked against tshark's view
//! recorded beside the captures; text and JSON are pinned as snapshots.

mod common;

use common::edgecap;

const CLIENT: &str = "captures/multi-client.pcap";
const EDGE: &str = "captures/multi-edge-ext.pcap";

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = edgecap(args);
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

/// tshark's `stun.id` of each frame of a capture (recorded `.stun.tsv`).
fn tshark_txids(capture: &str) -> Vec<(u64, String)> {
    let tsv = std::fs::read_to_string(format!("{capture}.stun.tsv")).expect("recorded");
    let mut lines = tsv.lines();
    let head: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).expect("column");
    let (frame, id) = (col("frame.number"), col("stun.id"));
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| !f[id].is_empty())
        .map(|f| (f[frame].parse().expect("number"), f[id].to_string()))
        .collect()
}

#[test]
fn the_lost_copy_is_the_one_tshark_shows_only_at_the_client() {
    let (code, text, err) = run(&["summary", "--color", "never", CLIENT, EDGE]);
    assert_eq!(code, Some(1), "{err}");
    // The oracle: the transaction edgecap calls lost appears twice at the
    // client (frames 3 and 4) and once at the edge.
    let client = tshark_txids(CLIENT);
    let edge = tshark_txids(EDGE);
    let lost_id = &client.iter().find(|(f, _)| *f == 3).expect("frame 3").1;
    assert_eq!(
        client.iter().filter(|(_, id)| id == lost_id).count(),
        3,
        "2 requests + success"
    );
    assert_eq!(
        edge.iter().filter(|(_, id)| id == lost_id).count(),
        2,
        "1 request + success"
    );
    assert!(text.contains("path.lost  Allocate request udp 192.168.1.20:50040 → 203.0.113.10:3478 seen at multi-client#3 never reached multi-edge-ext"), "{text}");
    assert!(text.contains("path.reset_not_sent  RST from 203.0.113.10:443 to 192.168.1.20:50041 seen at multi-client#10"), "{text}");
    assert!(
        text.contains(
            "clock +2.349500 s ± 0.014500 s (4 request/response exchanges with multi-client)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "udp 192.168.1.20:50040 at multi-client = 198.51.100.77:40022 at multi-edge-ext"
        ),
        "{text}"
    );
    assert!(
        text.contains("Allocate request  seen at multi-client#3 only"),
        "{text}"
    );
}

#[test]
fn names_offsets_text_and_json_snapshots() {
    let names = [
        "--name",
        "captures/multi-client.pcap=client",
        "--name",
        "captures/multi-edge-ext.pcap=edge-ext",
    ];
    let mut args = vec!["summary", "--color", "never", EDGE, CLIENT];
    args.extend(names);
    let (code, text, err) = run(&args);
    assert_eq!(code, Some(1), "{err}");
    // The first capture given is the reference clock.
    assert!(
        text.contains("edge-ext  captures/multi-edge-ext.pcap  11 packets"),
        "{text}"
    );
    assert!(text.contains("reference clock"), "{text}");
    assert!(text.contains("clock -2.349500 s"), "{text}");
    let mut args = vec!["summary", "--color", "never", CLIENT, EDGE];
    args.extend(names);
    let (_, text, _) = run(&args);
    insta::assert_snapshot!("client-edge.txt", text);
    args.push("--json");
    let (_, json, _) = run(&args);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["inputs"][0]["kind"], "capture");
    assert_eq!(doc["inputs"][1]["clock"]["basis"], "exchanges");
    assert_eq!(doc["join"]["findings"][0]["evidence"][0]["input"], "client");
    assert_eq!(doc["join"]["findings"][0]["evidence"][0]["frame"], 3);
    insta::assert_snapshot!(
        "client-edge.json",
        serde_json::to_string_pretty(&doc).expect("json")
    );
    // A given offset replaces the estimate, and no skew is left to report.
    let mut args = vec![
        "summary",
        "--color",
        "never",
        CLIENT,
        EDGE,
        "--offset",
        "captures/multi-edge-ext.pcap=2.35",
    ];
    args.extend(names);
    let (_, text, _) = run(&args);
    assert!(
        text.contains("clock +2.350000 s (given with --offset)"),
        "{text}"
    );
    assert!(!text.contains("clock.skew"), "{text}");
    assert!(text.contains("path.lost"), "{text}");
}

#[test]
fn brief_keeps_the_answer() {
    let (code, text, _) = run(&["summary", "--brief", "--color", "never", CLIENT, EDGE]);
    assert_eq!(code, Some(1));
    assert!(text.starts_with("Vantage points (2)"), "{text}");
    assert!(text.contains("ERROR    path.lost"), "{text}");
    assert!(
        !text.contains("Path (") && !text.contains("\n           frames "),
        "{text}"
    );
    assert!(
        !text.contains("never saw it: it was dropped"),
        "no explanation without --explain"
    );
    let (_, text, _) = run(&["summary", "--brief", "--explain", CLIENT, EDGE]);
    assert!(text.contains("never saw it: it was dropped"), "{text}");
}

#[test]
fn ladder_shows_each_packet_once() {
    let (code, text, err) = run(&[
        "ladder",
        CLIENT,
        EDGE,
        "--name",
        "captures/multi-client.pcap=client",
        "--name",
        "captures/multi-edge-ext.pcap=edge-ext",
    ]);
    assert_eq!(code, Some(0), "{err}");
    // 15 + 11 frames: 8 matched pairs, the three lost requests and the
    // injected RST (ACKs and data are not ladder rows).
    assert_eq!(text.lines().count(), 12, "{text}");
    insta::assert_snapshot!("client-edge.ladder.txt", text);
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        vec![
            "summary",
            CLIENT,
            EDGE,
            "--offset",
            "captures/multi-client.pcap=1",
        ],
        vec!["summary", CLIENT, EDGE, "--name", "captures/other.pcap=x"],
        vec!["ladder", CLIENT, EDGE, "--flow", "0"],
        vec!["ladder", CLIENT, "--offset", "captures/multi-client.pcap=1"],
        vec!["summary", CLIENT, "captures/no-such.pcap"],
        vec![CLIENT, EDGE],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(err.starts_with("edgecap: "), "{args:?}: {err}");
    }
}

/// Every line of `summary --json-lines ARGS` parsed.
fn json_lines(args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["summary", "--json-lines"];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert!(matches!(code, Some(0 | 1)), "{args:?}: {err}");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn json_lines_of_several_captures() {
    let pairs = [
        (CLIENT, EDGE),
        (
            "captures/real-nat-client.pcap",
            "captures/real-nat-edge.pcap",
        ),
    ];
    for (a, b) in pairs {
        let joined = json_lines(&[a, b]);
        let kind = |v: &serde_json::Value| v["type"].as_str().expect("type").to_string();
        // Each capture's flows and STUN messages are its own --json-lines
        // lines, tagged with its name.
        for (file, name) in [(a, stem(a)), (b, stem(b))] {
            let alone = json_lines(&[file]);
            for k in ["flow", "stun", "allocation"] {
                let own: Vec<&serde_json::Value> = alone
                    .iter()
                    .filter(|v| kind(v) == k)
                    .map(|v| &v[k])
                    .collect();
                let tagged: Vec<&serde_json::Value> = joined
                    .iter()
                    .filter(|v| kind(v) == k && v["input"] == name.as_str())
                    .map(|v| &v[k])
                    .collect();
                assert!(!own.is_empty(), "{file}: {k}");
                assert_eq!(own, tagged, "{file}: {k} lines");
            }
        }
        let inputs: Vec<&serde_json::Value> = joined
            .iter()
            .filter(|v| kind(v) == "input")
            .map(|v| &v["input"])
            .collect();
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[0]["clock"]["basis"], "reference");
        assert_eq!(inputs[1]["clock"]["basis"], "exchanges");
        assert_eq!(inputs[1]["name"], stem(b).as_str());
        assert!(inputs[1]["clock"]["error_seconds"].as_f64().expect("error") > 0.0);
        assert!(inputs[1].get("findings").is_none(), "findings are lines");
        // The join: as in --json, uncapped.
        let (_, doc, _) = run(&["summary", "--json", a, b]);
        let doc: serde_json::Value = serde_json::from_str(&doc).expect("JSON");
        for (k, key) in [
            ("nat_mapping", "nat_mappings"),
            ("host", "roles"),
            ("path_finding", "findings"),
        ] {
            let lines: Vec<&serde_json::Value> = joined
                .iter()
                .filter(|v| kind(v) == k)
                .map(|v| &v[k])
                .collect();
            let listed: Vec<&serde_json::Value> =
                doc["join"][key].as_array().expect(key).iter().collect();
            assert!(!lines.is_empty(), "{a}: {k}");
            assert_eq!(lines, listed, "{a}: {k}");
        }
        // The end line counts every other line.
        let end = &joined.last().expect("lines")["end"];
        let counted: u64 = end
            .as_object()
            .expect("counts")
            .values()
            .map(|n| n.as_u64().expect("count"))
            .sum();
        let captures = joined.iter().filter(|v| kind(v) == "capture").count() as u64;
        assert_eq!(counted + captures + 1, joined.len() as u64, "{a}");
        assert_eq!(captures, 2);
    }
}

/// `captures/x.pcap` → `x`.
fn stem(file: &str) -> String {
    let f = file.rsplit('/').next().expect("name");
    f.split('.').next().expect("stem").to_string()
}

/// tshark's (frame, ip.src, tcp.flags.reset) of a capture.
fn tshark_resets(capture: &str) -> Vec<(u64, String)> {
    let tsv = std::fs::read_to_string(format!("{capture}.tshark.tsv")).expect("recorded");
    let mut lines = tsv.lines();
    let head: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).expect("column");
    let (frame, src, rst) = (col("frame.number"), col("ip.src"), col("tcp.flags.reset"));
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[rst] == "1" || f[rst] == "True")
        .map(|f| (f[frame].parse().expect("number"), f[src].to_string()))
        .collect()
}

#[test]
fn real_recording_through_a_nat() {
    const C: &str = "captures/real-nat-client.pcap";
    const E: &str = "captures/real-nat-edge.pcap";
    let (code, text, err) = run(&["summary", "--color", "never", C, E]);
    assert_eq!(code, Some(1), "{err}");
    // The oracle: the RST edgecap says the edge never sent is, for tshark,
    // frame 45 at the client from 203.0.113.10, and the edge's capture has
    // no RST from 203.0.113.10 at all.
    assert!(tshark_resets(C).contains(&(45, "203.0.113.10".to_string())));
    assert!(tshark_resets(E)
        .iter()
        .all(|(_, src)| src != "203.0.113.10"));
    assert!(
        text.contains("seen at real-nat-client#45 was never sent by 203.0.113.10:3478"),
        "{text}"
    );
    // Each lost request's transaction id: twice at the client (the lost
    // copy and its retransmission), once at the edge.
    let (client, edge) = (tshark_txids(C), tshark_txids(E));
    for frame in [5, 12] {
        let id = &client.iter().find(|(f, _)| *f == frame).expect("frame").1;
        let requests = |v: &[(u64, String)]| v.iter().filter(|(_, i)| i == id).count();
        assert_eq!(requests(&client), requests(&edge) + 1, "frame {frame}");
    }
    // One finding for both UDP flows: the first named, both in its frames.
    assert!(
        text.contains("seen at real-nat-client#5 never reached real-nat-edge"),
        "{text}"
    );
    assert!(
        text.contains("frames real-nat-client#5, real-nat-client#12, real-nat-edge#"),
        "{text}"
    );
    assert!(
        text.contains("; and 1 more like it (2 messages lost in 2 flows)"),
        "{text}"
    );
    assert!(
        text.contains(
            "  client         192.168.77.2 at real-nat-client = 203.0.113.1 at real-nat-edge\n"
        ),
        "{text}"
    );
}

#[test]
fn hostile_file_names_are_escaped_and_recoverable() {
    let dir = std::env::temp_dir().join(format!("edgecap-vantage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let evil = dir.join("cl\u{1b}[31mient\u{202e}.pcap");
    std::fs::copy(CLIENT, &evil).expect("copy");
    let evil_s = evil.to_str().expect("utf-8");
    let (code, text, err) = run(&["summary", "--color", "never", evil_s, EDGE]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "raw escapes reached the terminal"
    );
    assert!(text.contains("cl\\x1b[31mient\\u{202e}#3"), "{text}");
    let (_, json, _) = run(&["summary", "--json", evil_s, EDGE]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let name = doc["inputs"][0]["name"].as_str().expect("name");
    let hex = name.strip_prefix("hex:").expect("hex: form");
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    assert_eq!(
        bytes,
        "cl\u{1b}[31mient\u{202e}".as_bytes(),
        "recoverable byte for byte"
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn both_sides_of_the_edge_nat() {
    let (code, text, err) = run(&[
        "summary",
        "--color",
        "never",
        "captures/multi-edge-inside.pcap",
        "captures/multi-edge-outside.pcap",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(text.contains("clock +3600.120000 s ± 0.001000 s (3 request/response exchanges with multi-edge-inside), time zone UTC+01:00 +0.120000 s"), "{text}");
    assert!(text.contains("udp 10.3.0.40:3478 at multi-edge-inside = 2.2.2.2:3478 at multi-edge-outside (destination NAT)"), "{text}");
    assert!(text.contains("nat.relay_port_rewritten  relay port 58138 of 10.3.0.40:58138 at multi-edge-inside leaves the NAT as 2.2.2.2:61000"), "{text}");
    assert!(!text.contains("clock.skew"), "{text}");
    // Roles from both captures: the outside one alone cannot tell who
    // 1.1.1.1 is; the edge is one host across its NAT.
    assert!(
        text.contains("  remote_edge    1.1.1.1 at multi-edge-inside, multi-edge-outside\n"),
        "{text}"
    );
    assert!(text.contains("  external_edge  2.2.2.2 at multi-edge-inside, multi-edge-outside = 10.3.0.40 at multi-edge-inside\n"), "{text}");
    let (_, alone, _) = run(&["summary", "--brief", "captures/multi-edge-outside.pcap"]);
    assert!(!alone.contains("1.1.1.1"), "{alone}");
}

#[test]
fn readme_lists_every_path_finding_id() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    for (id, _) in edgecap_analyze::join::findings::PATH_FINDING_IDS {
        assert!(
            readme.contains(&format!("| `{id}` |")),
            "README misses {id}"
        );
    }
}
