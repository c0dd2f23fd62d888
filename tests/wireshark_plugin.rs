//! The Wireshark plugin `contrib/wireshark/edgecap-msturn.lua`, run by tshark
//! itself: on every bundled capture where edgecap finds STUN framed on TCP
//! (pseudo-TLS, MS-TURN or RFC 4571), tshark with the plugin must list exactly
//! the STUN messages edgecap decodes (frame and type), with the relayed and
//! mapped addresses edgecap reports; and it must warn on exactly the TCP RSTs
//! on relay ports. tshark is required (`scripts/test.sh` installs it).

mod common;

use common::{all_captures, edgecap};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The plugin under test.
fn plugin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/wireshark/edgecap-msturn.lua")
}

/// Runs tshark with the plugin on `capture` and returns its stdout lines.
/// Out-of-order reassembly and STUN version "Auto" are the settings the
/// plugin's README section asks for; TCP 80 carries TURN in one capture.
fn tshark(capture: &Path, filter: &str, fields: &[&str]) -> Vec<String> {
    let script = format!("lua_script:{}", plugin().display());
    let mut cmd = Command::new("tshark");
    cmd.args(["-n", "-X", &script])
        .args(["-o", "tcp.reassemble_out_of_order:TRUE"])
        .args(["-o", "stun.stunversion:Auto"])
        .args(["-d", "tcp.port==80,stun"])
        .arg("-r")
        .arg(capture)
        .args(["-Y", filter, "-T", "fields", "-E", "occurrence=a"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd
        .output()
        .expect("tshark must be installed (scripts/test.sh installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tshark failed on {capture:?}: {stderr}"
    );
    assert!(
        !stderr.contains("Lua"),
        "the plugin raised a Lua error on {capture:?}: {stderr}"
    );
    String::from_utf8(out.stdout)
        .expect("tshark prints UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// edgecap's STUN messages of one capture, from `summary --json-lines`.
fn edgecap_stun(capture: &Path) -> Vec<Value> {
    let path = capture.to_str().expect("utf-8 path");
    let out = edgecap(&["summary", "--json-lines", "--fail-on", "none", path]);
    assert_eq!(out.status.code(), Some(0), "edgecap failed on {path}");
    String::from_utf8(out.stdout)
        .expect("UTF-8 JSON lines")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
        .filter(|v| v["type"] == "stun")
        .map(|v| v["stun"].clone())
        .collect()
}

/// Per frame: the message types and the set of `ip:port` addresses.
type Decode = BTreeMap<u64, (Vec<String>, BTreeSet<String>)>;

/// edgecap's TCP STUN messages, by frame (the frame that completes each).
fn edgecap_tcp_decode(messages: &[Value]) -> Decode {
    let mut out = Decode::new();
    for m in messages.iter().filter(|m| m["transport"] == "tcp") {
        let frame = m["frame"].as_u64().expect("frame number");
        let entry = out.entry(frame).or_default();
        entry.0.push(m["type"].as_str().expect("type").to_owned());
        for key in ["relayed_address", "mapped_address", "xor_mapped_address"] {
            if let Some(a) = m[key].as_str() {
                entry.1.insert(a.to_owned());
            }
        }
    }
    out
}

/// tshark's TCP STUN messages (RFC and classic dissector), by frame, with the
/// IPv4 addresses of every address attribute (plain or XOR-decoded).
fn tshark_tcp_decode(capture: &Path) -> Decode {
    let fields = [
        "frame.number",
        "stun.type",
        "classicstun.type",
        "stun.att.ipv4",
        "stun.att.port",
        "classicstun.att.ipv4",
        "classicstun.att.port",
    ];
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut out = Decode::new();
    for line in tshark(capture, "(stun.type || classicstun.type) && tcp", &fields) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), fields.len(), "tshark line {line:?}");
        let frame: u64 = cols[0].parse().expect("frame number");
        let mut types = split(cols[1]);
        types.extend(split(cols[2]));
        let mut addrs = BTreeSet::new();
        for (ips, ports) in [(cols[3], cols[4]), (cols[5], cols[6])] {
            let (ips, ports) = (split(ips), split(ports));
            if ips.len() == ports.len() {
                addrs.extend(ips.iter().zip(&ports).map(|(i, p)| format!("{i}:{p}")));
            }
        }
        out.insert(frame, (types, addrs));
    }
    out
}

/// Whether edgecap decoded STUN inside a TCP framing the plugin is for.
fn framed_on_tcp(messages: &[Value]) -> bool {
    messages.iter().any(|m| {
        m["transport"] == "tcp"
            && matches!(
                m["framing"].as_str(),
                Some("pseudo-tls+ms-turn" | "ms-turn" | "rfc4571")
            )
    })
}

#[test]
fn plugin_lists_exactly_the_stun_messages_edgecap_decodes() {
    let mut checked = Vec::new();
    for capture in all_captures() {
        let messages = edgecap_stun(&capture);
        if !framed_on_tcp(&messages) {
            continue;
        }
        let name = capture
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let ours = edgecap_tcp_decode(&messages);
        let theirs = tshark_tcp_decode(&capture);
        let frames = |d: &Decode| d.keys().copied().collect::<Vec<_>>();
        assert_eq!(frames(&theirs), frames(&ours), "{name}: frames with STUN");
        for (frame, (types, addrs)) in &ours {
            let (t_types, t_addrs) = &theirs[frame];
            let mut a = types.clone();
            let mut b = t_types.clone();
            a.sort();
            b.sort();
            assert_eq!(b, a, "{name} frame {frame}: message types");
            assert!(
                addrs.is_subset(t_addrs),
                "{name} frame {frame}: edgecap's addresses {addrs:?} not all in tshark's {t_addrs:?}"
            );
        }
        checked.push(name);
    }
    for expected in [
        "msturn-tcp443.pcap",
        "field-desktop-sharing-refused.pcap",
        "field-unknown-user.pcap",
        "field-udp-blocked.pcap",
        "rfc-tcp-framings.pcap",
    ] {
        assert!(
            checked.iter().any(|c| c == expected),
            "{expected} was not compared (checked: {checked:?})"
        );
    }
}

#[test]
fn plugin_decodes_pseudo_tls_handshake_and_frames() {
    let capture = common::captures_dir().join("msturn-tcp443.pcap");
    let lines = tshark(
        &capture,
        "edgecap_msturn",
        &[
            "frame.number",
            "edgecap_msturn.pseudo_tls",
            "edgecap_msturn.frame_type",
        ],
    );
    let hello: Vec<&String> = lines.iter().filter(|l| l.contains("pseudo-TLS")).collect();
    assert_eq!(hello.len(), 2, "{lines:?}");
    assert!(hello[0].starts_with("4\tClientHello"), "{hello:?}");
    assert!(hello[1].starts_with("5\tServerHello"), "{hello:?}");
    // Frame 15 is one MS-TURN data frame (type 3), not STUN.
    assert!(lines.iter().any(|l| l == "15\t\t0x03"), "{lines:?}");
}

/// Runs tshark with the plugin and the full packet tree (`-V`) on `capture`
/// with `prefs` (`-o` values) and returns everything it printed.
fn tshark_tree(capture: &Path, prefs: &[&str]) -> String {
    let script = format!("lua_script:{}", plugin().display());
    let mut cmd = Command::new("tshark");
    cmd.args(["-n", "-V", "-X", &script]);
    for p in prefs {
        cmd.args(["-o", p]);
    }
    let out = cmd
        .arg("-r")
        .arg(capture)
        .output()
        .expect("tshark must be installed (scripts/test.sh installs it)");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn no_lua_error_on_any_bundled_capture_with_or_without_the_settings() {
    for capture in all_captures() {
        for prefs in [
            &[][..],
            &["tcp.reassemble_out_of_order:TRUE", "stun.stunversion:Auto"][..],
        ] {
            let text = tshark_tree(&capture, prefs);
            assert!(!text.contains("Lua Error"), "{capture:?} {prefs:?}: {text}");
            assert!(!text.contains(".lua:"), "{capture:?} {prefs:?}: {text}");
        }
    }
}

/// `bytes` (a little- or big-endian pcap) with `flips` payload bytes (past
/// each record's Ethernet header) set to values a framing looks at, chosen
/// by a xorshift generator seeded with `seed`.
fn mutated(bytes: &[u8], seed: u64, flips: usize) -> Vec<u8> {
    let big = matches!(
        bytes[..4],
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d]
    );
    let mut records = Vec::new();
    let mut off = 24;
    while off + 16 <= bytes.len() {
        let field: [u8; 4] = bytes[off + 8..off + 12].try_into().expect("4 bytes");
        let incl = if big {
            u32::from_be_bytes(field)
        } else {
            u32::from_le_bytes(field)
        } as usize;
        if incl > 14 {
            records.push(off + 16 + 14..off + 16 + incl);
        }
        off += 16 + incl;
    }
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out = bytes.to_vec();
    const VALUES: [u8; 8] = [0x00, 0x02, 0x03, 0x16, 0x21, 0xa4, 0xff, 0x01];
    for _ in 0..flips {
        let r = &records[next() as usize % records.len()];
        let at = r.start + next() as usize % r.len();
        out[at] = VALUES[next() as usize % VALUES.len()];
    }
    out
}

#[test]
fn no_lua_error_on_damaged_ms_turn_streams() {
    let dir = std::env::temp_dir().join(format!("edgecap-lua-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut runs = 0;
    for name in [
        "msturn-tcp443.pcap",
        "rfc-tcp-framings.pcap",
        "field-desktop-sharing-refused.pcap",
        "field-unknown-user.pcap",
        "field-udp-blocked.pcap",
    ] {
        let bytes = std::fs::read(common::captures_dir().join(name)).expect("capture");
        for seed in 1..=4u64 {
            let variant = dir.join(format!("{name}-{seed}.pcap"));
            std::fs::write(&variant, mutated(&bytes, seed, 6 * seed as usize))
                .expect("write variant");
            let text = tshark_tree(
                &variant,
                &["tcp.reassemble_out_of_order:TRUE", "stun.stunversion:Auto"],
            );
            assert!(!text.contains("Lua Error"), "{name} seed {seed}: {text}");
            runs += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(runs, 20);
}

/// A capture of records at the edges of each framing, one per segment: on
/// TCP 443 after the pseudo ClientHello a control frame too short for STUN,
/// empty control and data frames, a data frame of two bytes, an MS-TURN
/// message, and a frame announcing 65535 bytes that never come; on an
/// ICE-TCP stream (RFC 4571) a STUN Binding request, an empty record, a
/// three-byte record and a 20-byte record whose STUN length field lies.
fn edge_case_capture() -> Vec<u8> {
    use edgecap_capture::{LinkType, Timestamp};
    use edgecap_core::Direction::ToServer;
    use edgecap_testkit::stun::{ms, ms_frame, ms_magic_cookie, rfc, rfc4571, u32_attr};
    use edgecap_testkit::stun::{ms_txid, rfc_txid, PSEUDO_TLS_CLIENT_HELLO};
    use edgecap_testkit::writer::{PcapOptions, PcapWriter};
    use edgecap_testkit::{link, TcpConversation};

    let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).expect("pcap header");
    let mut t = 1_795_700_000_000_000_000i64;
    let mut put = |ip: Vec<u8>| {
        let frame = link::wrap(LinkType::ETHERNET, &ip);
        t += 1_000_000;
        w.write_packet(Timestamp(t), &frame, frame.len() as u32)
            .expect("record");
    };
    let allocate = ms(
        0x0003,
        &ms_txid(1),
        &[ms_magic_cookie(), u32_attr(0x000D, 60)],
    )
    .bytes();
    let mut c = TcpConversation::new(
        "10.98.2.1:50130".parse().expect("addr"),
        "10.3.0.34:443".parse().expect("addr"),
    );
    c.handshake().into_iter().for_each(&mut put);
    for payload in [
        PSEUDO_TLS_CLIENT_HELLO.to_vec(),
        vec![0x02, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5],
        vec![0x02, 0x00, 0x00, 0x00],
        vec![0x03, 0x00, 0x00, 0x00],
        vec![0x03, 0x00, 0x00, 0x02, 0x80, 0x00],
        ms_frame(2, &allocate),
        vec![0x02, 0x00, 0xff, 0xff, 0x00, 0x01],
    ] {
        put(c.data(ToServer, &payload));
    }
    let binding = rfc(0x0001, &rfc_txid(2), &[u32_attr(0x0024, 7)]).bytes();
    let mut ice = TcpConversation::new(
        "10.98.2.1:50600".parse().expect("addr"),
        "192.0.2.50:50610".parse().expect("addr"),
    );
    ice.handshake().into_iter().for_each(&mut put);
    let mut lying = vec![0x00, 0x01, 0x00, 0x40, 0x21, 0x12, 0xa4, 0x42];
    lying.extend_from_slice(&[7; 12]);
    for payload in [
        rfc4571(&binding),
        vec![0x00, 0x00],
        vec![0x00, 0x03, 0xab, 0xcd, 0xef],
        rfc4571(&lying),
        rfc4571(&binding),
    ] {
        put(ice.data(ToServer, &payload));
    }
    w.into_inner().expect("capture bytes")
}

#[test]
fn records_at_the_edges_of_each_framing_never_raise_a_lua_error() {
    let path = std::env::temp_dir().join(format!("edgecap-lua-edges-{}.pcap", std::process::id()));
    std::fs::write(&path, edge_case_capture()).expect("write capture");
    for prefs in [
        &[][..],
        &["tcp.reassemble_out_of_order:TRUE", "stun.stunversion:Auto"][..],
    ] {
        let text = tshark_tree(&path, prefs);
        assert!(!text.contains("Lua Error"), "{prefs:?}: {text}");
    }
    // Every record before the unfinished one is shown, and both MS-TURN and
    // RFC 4571 STUN messages reach Wireshark's STUN dissector.
    let frames = tshark(&path, "edgecap_msturn", &["frame.number"]);
    let want: Vec<String> = [4, 5, 6, 7, 8, 9, 14, 15, 16, 17, 18]
        .iter()
        .map(u64::to_string)
        .collect();
    assert_eq!(frames, want);
    let stun = tshark(
        &path,
        "stun.type || classicstun.type",
        &["frame.number", "stun.type", "classicstun.type"],
    );
    assert_eq!(
        stun,
        ["9\t\t0x0003", "14\t0x0001\t", "18\t0x0001\t"],
        "{stun:?}"
    );
    let _ = std::fs::remove_file(&path);
}

/// RST frames from a capture's recorded tshark view whose ports are a relay
/// port and no edge service port.
fn relay_rsts(capture: &Path) -> Vec<String> {
    let tsv = std::fs::read_to_string(format!("{}.tshark.tsv", capture.display()))
        .expect("recorded tshark view");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (frame, reset, sport, dport) = (
        col("frame.number"),
        col("tcp.flags.reset"),
        col("tcp.srcport"),
        col("tcp.dstport"),
    );
    let relay = |p: u16| (50000..=59999).contains(&p);
    let service = |p: u16| [443, 3478, 5062].contains(&p);
    lines
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let (s, d) = (c[sport].parse().ok()?, c[dport].parse().ok()?);
            (c[reset] == "1" && (relay(s) || relay(d)) && !service(s) && !service(d))
                .then(|| c[frame].to_owned())
        })
        .collect()
}

#[test]
fn plugin_warns_on_every_rst_on_a_relay_port() {
    let mut warned_somewhere = 0;
    for name in [
        "tcp-outcomes.pcap",
        "field-desktop-sharing-refused.pcap",
        "msturn-tcp443.pcap",
        "coturn-loopback.pcap",
    ] {
        let capture = common::captures_dir().join(name);
        let lines = tshark(
            &capture,
            "edgecap_relay.rst",
            &["frame.number", "_ws.expert.severity"],
        );
        let frames: Vec<String> = lines
            .iter()
            .map(|l| l.split('\t').next().unwrap_or("").to_owned())
            .collect();
        assert_eq!(frames, relay_rsts(&capture), "{name}");
        // 0x00600000 is PI_WARN, Wireshark's "Warning" severity.
        assert!(
            lines.iter().all(|l| l.contains("6291456")),
            "{name}: {lines:?}"
        );
        warned_somewhere += frames.len();
    }
    assert!(warned_somewhere >= 9, "{warned_somewhere} warnings");
}
