//! Differential test of the STUN layer: for every committed capture, each
//! message tshark 4.0 decodes as `stun` or `classicstun` (recorded by
//! `scripts/record-tshark-stun.sh` in `captures/NAME.stun.tsv`, with
//! `-o stun.stunversion:Auto`) must appear in `edgecap summary --json`'s
//! `stun` array at the same frame, with the same type, dialect, attribute
//! types in wire order, error code and reason, addresses (per attribute and
//! in the named fields), realm, username, lifetime, software, MS-VERSION and
//! FINGERPRINT status. Conversely edgecap must decode no STUN at frames
//! tshark shows as something else (RTP, ChannelData, TLS, …), except the
//! messages tshark cannot see (MS-TURN on TCP 443; RFC 4571 records after a
//! non-STUN record), which the generator lists
//! (`edgecap_testkit::samples::tshark_blind_stun`) and edgecap must decode.
//!
//! Known disagreements, where tshark is wrong by docs/protocols.md, are checked to
//! be exactly that and printed, not hidden: tshark XOR-decodes MS-TURN
//! REMOTE-ADDRESS 0x0012 when the header carries the RFC cookie (§9.1).

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// Least number of messages compared per capture, so a re-recorded TSV that
/// lost its STUN columns (or a capture that lost its STUN) cannot pass
/// vacuously. Counts tshark-decoded messages plus generator-listed ones.
const MIN_COMPARED: &[(&str, usize)] = &[
    ("coturn-loopback.pcap", 150),
    ("baresip-ice-call.pcap", 109),
    ("baresip-relay-call.pcap", 112),
    ("msturn-udp.pcap", 20),
    ("msturn-tcp443.pcap", 9),
    ("rfc-tcp-framings.pcap", 19),
    ("field-desktop-sharing-refused.pcap", 6),
    ("field-unknown-user.pcap", 8),
    ("field-mras-refused.pcap", 0),
    ("field-udp-blocked.pcap", 9),
    ("field-healthy-call.pcap", 10),
    ("topology-home-nat.pcap", 8),
    ("field-relay-private.pcap", 4),
    ("field-nat-port-rewritten.pcap", 10),
    ("field-syn-retry-same-isn.pcap", 0),
    ("field-one-way-relay.pcap", 6),
    ("field-injected-reset.pcap", 0),
    ("ice-only.pcap", 7),
    ("ice-failed.pcap", 8),
    ("field-call-refused.pcap", 4),
    ("tcp-outcomes.pcap", 0),
    ("link-types.pcapng.gz", 0),
    ("damaged-truncated.pcap", 0),
    ("damaged-corrupt.pcapng", 0),
    ("hostile-strings.pcap", 6),
    ("icmp-unreachable.pcap", 9),
    ("tls13-hello-retry.pcap", 0),
    ("modified-format.pcap", 2),
    ("other-transports.pcap", 0),
    ("field-desktop-sharing-refused.netmon2.cap", 6),
    ("field-unknown-user.netmon1.cap", 8),
    ("msturn-udp.netmon1.cap", 20),
    ("tcp-outcomes.netmon2.cap", 0),
    ("mixed-media.netmon2.cap", 6),
    ("sip-signalling.pcap", 0),
    ("multi-client.pcap", 5),
    ("multi-edge-ext.pcap", 4),
    ("multi-edge-inside.pcap", 6),
    ("multi-edge-outside.pcap", 6),
    ("real-nat-client.pcap", 35),
    ("real-nat-edge.pcap", 30),
];

/// The bundled pcap a NetMon capture was converted from
/// (`scripts/make-netmon-captures.sh`): the generator's list of tshark-blind
/// messages names the pcap, and the frames are the same. `mixed-media`
/// starts with field case 1's frames.
fn source_name(file: &str) -> String {
    if file == "mixed-media.netmon2.cap" {
        return "field-desktop-sharing-refused.pcap".into();
    }
    match file
        .strip_suffix(".netmon1.cap")
        .or_else(|| file.strip_suffix(".netmon2.cap"))
    {
        Some(stem) => format!("{stem}.pcap"),
        None => file.to_string(),
    }
}

/// Attribute types tshark decodes as a transport address (one
/// `stun.att.family`, one port, one IPv4 or IPv6 each).
const ADDRESS_TYPES: &[u16] = &[
    0x0001, 0x0002, 0x0004, 0x0005, 0x000b, 0x000e, 0x0011, 0x0012, 0x0016, 0x0020, 0x8020, 0x8023,
    0x802b, 0x802c, 0x8059, 0x805a, 0x805b, 0x805c, 0x8090,
];
/// Attribute types that carry a `stun.att.family` but no address.
const FAMILY_ONLY_TYPES: &[u16] = &[0x0017, 0x8000];

const COOKIE: [u8; 4] = [0x21, 0x12, 0xa4, 0x42];

/// One message as tshark decoded it.
#[derive(Debug, Default, Clone)]
struct TsMsg {
    typ: u16,
    /// `stun.id` (12 bytes, hex) or `classicstun.id` (16 bytes, hex).
    id: String,
    classic: bool,
    /// "rfc5389", "rfc3489" or "ms-turn".
    dialect: &'static str,
    attr_types: Vec<u16>,
    /// (attribute type, address) in attribute order.
    addrs: Vec<(u16, SocketAddr)>,
    error: Option<(u16, String)>,
    realm: Option<String>,
    lifetime: Option<u64>,
    username: Option<String>,
    username_opaque: Option<String>,
    software: Option<String>,
    fingerprint: Option<&'static str>,
    ms_version: Option<u64>,
}

#[derive(Debug, Default)]
struct TsFrame {
    protocol: String,
    msgs: Vec<TsMsg>,
}

fn tsv_path(cap: &Path) -> PathBuf {
    let name = cap.to_str().expect("utf-8");
    let base = name.strip_suffix(".gz").unwrap_or(name);
    PathBuf::from(format!("{base}.stun.tsv"))
}

fn list(s: &str) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split('|').map(str::to_string).collect()
    }
}

fn hex_u16(s: &str) -> u16 {
    u16::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn int(s: &str) -> u64 {
    if let Some(h) = s.strip_prefix("0x") {
        u64::from_str_radix(h, 16).unwrap_or_else(|e| panic!("{s}: {e}"))
    } else {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }
}

/// Pops the next value of a multi-valued column, failing loudly when tshark
/// printed fewer values than the attribute walk needs.
struct Column {
    name: String,
    values: std::collections::VecDeque<String>,
}

impl Column {
    fn pop(&mut self, frame: u64) -> String {
        self.values.pop_front().unwrap_or_else(|| {
            panic!(
                "frame {frame}: column {} has fewer values than attributes",
                self.name
            )
        })
    }
}

/// Parses one frame's STUN (or classic STUN) columns into messages.
fn parse_frame(no: u64, get: &dyn Fn(&str) -> String, classic: bool) -> Vec<TsMsg> {
    let p = if classic { "classicstun" } else { "stun" };
    // classicstun has no realm, username, software, FINGERPRINT or
    // MS-VERSION fields (and the script records none): empty columns.
    const NOT_CLASSIC: &[&str] = &[
        "att.realm",
        "att.username",
        "att.username.opaque",
        "att.software",
        "att.crc32.status",
        "att.ms.version",
    ];
    let col = |name: &str| Column {
        name: format!("{p}.{name}"),
        values: if classic && NOT_CLASSIC.contains(&name) {
            Default::default()
        } else {
            list(&get(&format!("{p}.{name}"))).into()
        },
    };
    let types: Vec<u16> = list(&get(&format!("{p}.type")))
        .iter()
        .map(|t| hex_u16(t))
        .collect();
    let ids = list(&get(&format!("{p}.id")));
    assert_eq!(types.len(), ids.len(), "frame {no}: types vs ids");
    let att_types: Vec<u16> = list(&get(&format!("{p}.att.type")))
        .iter()
        .map(|t| hex_u16(t))
        .collect();
    let versions = list(&get("stun.network_version"));

    // Split the frame's attributes into messages.
    let mut spans = Vec::new();
    if types.len() == 1 {
        spans.push(0..att_types.len());
    } else {
        assert!(!classic, "frame {no}: several classic STUN messages");
        let padded = versions.iter().all(|v| v == "3");
        let att_lens: Vec<usize> = list(&get("stun.att.length"))
            .iter()
            .map(|l| l.parse().expect("att length"))
            .collect();
        let mut at = 0;
        for len in list(&get("stun.length")) {
            let len: usize = len.parse().expect("stun.length");
            if spans.len() == types.len() {
                break;
            }
            let (mut sum, mut j) = (0, at);
            while sum < len && j < att_lens.len() {
                let l = att_lens[j];
                sum += 4 + if padded { l.div_ceil(4) * 4 } else { l };
                j += 1;
            }
            if sum == len {
                spans.push(at..j);
                at = j;
            } // else: a ChannelData length
        }
        assert_eq!(
            (spans.len(), at),
            (types.len(), att_types.len()),
            "frame {no}: could not split tshark's attributes into {} messages",
            types.len()
        );
    }

    let mut family = col("att.family");
    let mut port = col("att.port");
    let mut ipv4 = col("att.ipv4");
    let mut ipv6 = col("att.ipv6");
    let mut eclass = col("att.error.class");
    let mut enumber = col("att.error");
    let mut reason = col("att.error.reason");
    let mut lifetime = col("att.lifetime");
    // Not recorded for classic STUN (no such fields): empty columns.
    let mut realm = col("att.realm");
    let mut user = col("att.username");
    let mut user_opaque = col("att.username.opaque");
    let mut software = col("att.software");
    let mut crc = col("att.crc32.status");
    let mut msver = col("att.ms.version");
    let mut cookie = col(if classic {
        "att.magic.cookie"
    } else {
        "att.magic_cookie"
    });

    let mut msgs = Vec::new();
    for (i, span) in spans.into_iter().enumerate() {
        let attrs = att_types[span].to_vec();
        let ms = attrs.first() == Some(&0x000f);
        let dialect = match (classic, versions.get(i).map(String::as_str), ms) {
            (_, _, true) | (false, Some("1"), _) => "ms-turn",
            (true, _, false) | (false, Some("2"), _) => "rfc3489",
            _ => "rfc5389",
        };
        let mut m = TsMsg {
            typ: types[i],
            id: ids[i].to_lowercase(),
            classic,
            dialect,
            attr_types: attrs.clone(),
            ..TsMsg::default()
        };
        for &t in &attrs {
            match t {
                t if ADDRESS_TYPES.contains(&t) => {
                    let fam = int(&family.pop(no));
                    let p: u16 = port.pop(no).parse().expect("port");
                    let ip: IpAddr = match fam {
                        1 => ipv4.pop(no).parse().expect("ipv4"),
                        2 => ipv6.pop(no).parse().expect("ipv6"),
                        f => panic!("frame {no}: family {f}"),
                    };
                    m.addrs.push((t, SocketAddr::new(ip, p)));
                }
                t if FAMILY_ONLY_TYPES.contains(&t) => {
                    family.pop(no);
                }
                0x0009 => {
                    let code = int(&eclass.pop(no)) * 100 + int(&enumber.pop(no));
                    m.error = Some((code as u16, reason.pop(no)));
                }
                0x000d => m.lifetime = Some(int(&lifetime.pop(no))),
                0x0006 if !classic => {
                    if dialect == "ms-turn" {
                        m.username_opaque = Some(user_opaque.pop(no));
                    } else {
                        m.username = Some(user.pop(no));
                    }
                }
                0x0014 if !classic && dialect != "ms-turn" => m.realm = Some(realm.pop(no)),
                0x0015 if !classic && dialect == "ms-turn" => m.realm = Some(realm.pop(no)),
                0x8022 if !classic => m.software = Some(software.pop(no)),
                0x8028 if !classic => {
                    m.fingerprint = Some(match crc.pop(no).as_str() {
                        "1" => "good",
                        "0" => "bad",
                        other => panic!("frame {no}: crc32.status {other}"),
                    })
                }
                0x8008 if !classic => m.ms_version = Some(int(&msver.pop(no))),
                0x000f => {
                    cookie.pop(no);
                }
                _ => {}
            }
        }
        msgs.push(m);
    }
    for c in [
        &family,
        &port,
        &ipv4,
        &ipv6,
        &eclass,
        &enumber,
        &reason,
        &lifetime,
        &realm,
        &user,
        &user_opaque,
        &software,
        &crc,
        &msver,
        &cookie,
    ] {
        assert!(
            c.values.is_empty(),
            "frame {no}: {} has values no attribute accounts for: {:?}",
            c.name,
            c.values
        );
    }
    msgs
}

fn read_stun_tsv(cap: &Path) -> BTreeMap<u64, TsFrame> {
    let path = tsv_path(cap);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; every capture needs its tshark STUN oracle: run scripts/record-tshark.sh",
            path.display()
        )
    });
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header line").split('\t').collect();
    let mut frames = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |name: &str| -> String {
            let i = header
                .iter()
                .position(|h| *h == name)
                .unwrap_or_else(|| panic!("{}: no column {name}", path.display()));
            f.get(i).copied().unwrap_or("").to_string()
        };
        let no: u64 = get("frame.number").parse().expect("frame.number");
        let mut frame = TsFrame {
            protocol: get("_ws.col.Protocol"),
            msgs: Vec::new(),
        };
        if !get("stun.type").is_empty() {
            frame.msgs.extend(parse_frame(no, &get, false));
        }
        if !get("classicstun.type").is_empty() {
            frame.msgs.extend(parse_frame(no, &get, true));
        }
        frames.insert(no, frame);
    }
    frames
}

fn addr_of(v: &Value) -> Option<SocketAddr> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// `a` XOR-encoded with the RFC cookie (what tshark shows when it XOR-decodes
/// a plain address).
fn xor_cookie(a: SocketAddr) -> SocketAddr {
    let port = a.port() ^ 0x2112;
    match a.ip() {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            let x: [u8; 4] = std::array::from_fn(|i| o[i] ^ COOKIE[i]);
            SocketAddr::new(IpAddr::from(x), port)
        }
        IpAddr::V6(_) => a,
    }
}

fn str_field(e: &Value, k: &str) -> Option<String> {
    e[k].as_str().map(str::to_string)
}

/// edgecap's text field as tshark shows it, for `hostile-strings.pcap` (text
/// carrying escape sequences, controls, bidi overrides and invalid UTF-8):
/// edgecap writes such values as `hex:` + hex (report::safe::text_or_hex)
/// where tshark prints the bytes lossily (invalid UTF-8 as U+FFFD) with
/// backspace written as `\b` and every other control raw. Only that file's
/// `hex:` values are converted, so a wrong `hex:` anywhere else still shows.
fn tshark_text(file: &str, ours: Option<String>) -> Option<String> {
    let hex = ours.as_deref().and_then(|v| v.strip_prefix("hex:"));
    match hex {
        Some(hex) if file == "hostile-strings.pcap" => {
            let bytes: Vec<u8> = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
                .collect();
            Some(String::from_utf8_lossy(&bytes).replace('\u{8}', "\\b"))
        }
        _ => ours,
    }
}

/// Compares one tshark message with edgecap's entry; pushes differences to
/// `bad` and known tshark mistakes to `known`.
fn compare(
    file: &str,
    frame: u64,
    t: &TsMsg,
    e: &Value,
    bad: &mut Vec<String>,
    known: &mut Vec<String>,
) -> usize {
    let mut diff = |what: &str, ts: String, ours: String| {
        if ts != ours {
            bad.push(format!(
                "frame {frame} {:#06x}: {what}: tshark {ts}, edgecap {ours}",
                t.typ
            ));
        }
    };
    diff(
        "dialect",
        t.dialect.to_string(),
        e["dialect"].as_str().unwrap_or("?").to_string(),
    );
    // Attribute types in wire order.
    let attrs = e["attributes"].as_array().cloned().unwrap_or_default();
    let ours_types: Vec<u16> = attrs
        .iter()
        .map(|a| hex_u16(a["type"].as_str().unwrap_or("0xffff")))
        .collect();
    diff(
        "attribute types",
        format!("{:04x?}", t.attr_types),
        format!("{ours_types:04x?}"),
    );
    // Every address attribute, in order.
    let our_attr_addrs: Vec<(u16, Option<SocketAddr>)> = attrs
        .iter()
        .filter_map(|a| {
            let typ = hex_u16(a["type"].as_str().unwrap_or("0xffff"));
            ADDRESS_TYPES
                .contains(&typ)
                .then(|| (typ, addr_of(&a["value"])))
        })
        .collect();
    if our_attr_addrs.len() == t.addrs.len() {
        for ((typ, ts), (_, ours)) in t.addrs.iter().zip(&our_attr_addrs) {
            if Some(*ts) == *ours {
                continue;
            }
            let tshark_xors_plain = *typ == 0x0012
                && t.dialect == "ms-turn"
                && !t.classic
                && ours.map(xor_cookie) == Some(*ts);
            if tshark_xors_plain {
                known.push(format!(
                    "frame {frame} {:#06x} attribute 0x0012: tshark XOR-decodes MS-TURN \
                     REMOTE-ADDRESS as XOR-PEER-ADDRESS ({ts}); edgecap reads it plain ({}), \
                     as libnice and classicstun do (docs/protocols.md §9.1)",
                    t.typ,
                    ours.map_or("-".into(), |a| a.to_string())
                ));
            } else {
                diff(
                    &format!("attribute {typ:#06x} address"),
                    ts.to_string(),
                    format!("{ours:?}"),
                );
            }
        }
    } else {
        diff(
            "address attributes",
            format!("{:?}", t.addrs),
            format!("{our_attr_addrs:?}"),
        );
    }
    // Named address fields.
    let first = |types: &[u16]| {
        t.addrs
            .iter()
            .find(|(ty, _)| types.contains(ty))
            .map(|(_, a)| *a)
    };
    let ms = t.dialect == "ms-turn";
    let relayed = first(&[0x0016]).or(if ms && t.typ == 0x0103 {
        first(&[0x0001])
    } else {
        None
    });
    let expect = [
        ("xor_mapped_address", first(&[0x0020, 0x8020])),
        ("mapped_address", first(&[0x0001])),
        ("relayed_address", relayed),
        (
            "xor_peer_address",
            if ms || t.classic {
                None
            } else {
                first(&[0x0012])
            },
        ),
    ];
    for (k, want) in expect {
        diff(k, format!("{want:?}"), format!("{:?}", addr_of(&e[k])));
    }
    // Error.
    let ours_err = e["error"].as_object().map(|o| {
        let reason = tshark_text(file, o["reason"].as_str().map(str::to_string));
        (o["code"].as_u64().unwrap_or(0) as u16, reason)
    });
    diff(
        "error",
        format!("{:?}", t.error.as_ref().map(|(c, r)| (*c, r.as_str()))),
        format!(
            "{:?}",
            ours_err
                .as_ref()
                .map(|(c, r)| (*c, r.as_deref().unwrap_or("?")))
        ),
    );
    if !t.classic {
        diff(
            "realm",
            format!("{:?}", t.realm),
            format!("{:?}", tshark_text(file, str_field(e, "realm"))),
        );
        diff(
            "software",
            format!("{:?}", t.software),
            format!("{:?}", tshark_text(file, str_field(e, "software"))),
        );
        diff(
            "ms_version",
            format!("{:?}", t.ms_version),
            format!("{:?}", e["ms_version"].as_u64()),
        );
        diff(
            "fingerprint",
            format!("{:?}", t.fingerprint),
            format!("{:?}", e["fingerprint"].as_str()),
        );
        let ours_user = str_field(e, "username");
        match (&t.username, &t.username_opaque) {
            (Some(u), _) => diff(
                "username",
                format!("{:?}", Some(u)),
                format!("{:?}", tshark_text(file, ours_user)),
            ),
            (None, Some(hex)) => {
                // Binary MS-TURN usernames are shown as `hex:…` by edgecap.
                let ok = ours_user.as_deref() == Some(&format!("hex:{hex}"));
                if !ok {
                    diff(
                        "username (opaque)",
                        format!("hex:{hex}"),
                        format!("{ours_user:?}"),
                    );
                }
            }
            (None, None) => diff("username", "None".into(), format!("{ours_user:?}")),
        }
    }
    diff(
        "lifetime",
        format!("{:?}", t.lifetime),
        format!("{:?}", e["lifetime"].as_u64()),
    );
    1
}

#[test]
fn edgecap_decodes_the_stun_tshark_decodes() {
    let caps = common::all_captures();
    assert!(caps.len() >= 8, "captures missing: {caps:?}");
    let blind = edgecap_testkit::samples::tshark_blind_stun().expect("generator");
    let mut bad: Vec<String> = Vec::new();
    let mut known: Vec<String> = Vec::new();
    let mut summary = Vec::new();
    for cap in &caps {
        let file = cap.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let source = source_name(file);
        let tshark = read_stun_tsv(cap);
        let doc = common::summary_json(cap);
        let Some(stun) = doc["stun"].as_array() else {
            panic!("{file}: edgecap's JSON has no `stun` array; the STUN report is not integrated");
        };
        let mut ours: BTreeMap<u64, Vec<&Value>> = BTreeMap::new();
        for e in stun {
            ours.entry(e["frame"].as_u64().expect("frame"))
                .or_default()
                .push(e);
        }
        // STUN quoted in ICMP errors: tshark decodes the quoted header; edgecap
        // lists it under `icmp` (type and transaction id, no attributes).
        let mut quoted: BTreeMap<u64, &Value> = BTreeMap::new();
        for e in doc["icmp"].as_array().into_iter().flatten() {
            if !e["stun"].is_null() {
                quoted.insert(e["frame"].as_u64().expect("frame"), &e["stun"]);
            }
        }
        let last_tshark_frame = tshark.keys().next_back().copied().unwrap_or(0);
        let mut compared = 0;
        let mut blind_checked = 0;
        for (&no, frame) in &tshark {
            if frame.protocol.starts_with("ICMP") {
                for t in &frame.msgs {
                    let q = quoted.remove(&no);
                    let ours = q.map(|q| {
                        let id = q["transaction_id"].as_str().unwrap_or("").to_lowercase();
                        (q["type"].as_str().map(str::to_lowercase), id)
                    });
                    let want_type = format!("0x{:04x}", t.typ);
                    match ours {
                        Some((Some(typ), id)) if typ == want_type && id.ends_with(&t.id) => {
                            compared += 1;
                        }
                        other => bad.push(format!(
                            "{file} frame {no}: tshark decodes {want_type} id {} quoted in {}, \
                             edgecap has {other:?}",
                            t.id, frame.protocol
                        )),
                    }
                }
                continue;
            }
            let mut entries = ours.remove(&no).unwrap_or_default();
            let expected_blind: Vec<_> = blind
                .iter()
                .filter(|b| b.capture == source && b.frame == no)
                .collect();
            for b in &expected_blind {
                let want = format!("0x{:04x}", b.typ);
                let pos = entries.iter().position(|e| {
                    e["type"].as_str().map(str::to_lowercase).as_deref() == Some(want.as_str())
                });
                match pos {
                    Some(i) => {
                        let e = entries.remove(i);
                        if e["framing"].as_str() != Some(b.framing) {
                            bad.push(format!(
                                "{file} frame {no} {want}: framing {} (want {})",
                                e["framing"], b.framing
                            ));
                        }
                        blind_checked += 1;
                    }
                    None => bad.push(format!(
                        "{file} frame {no}: edgecap misses the {want} tshark cannot see ({})",
                        b.why
                    )),
                }
            }
            for t in &frame.msgs {
                let want_type = format!("0x{:04x}", t.typ);
                let pos = entries.iter().position(|e| {
                    let txid = e["transaction_id"]
                        .as_str()
                        .unwrap_or("")
                        .trim_start_matches("0x")
                        .to_lowercase();
                    txid.ends_with(&t.id)
                        && e["type"].as_str().map(str::to_lowercase).as_deref()
                            == Some(want_type.as_str())
                });
                match pos {
                    Some(i) => {
                        let e = entries.remove(i);
                        let mut local = Vec::new();
                        let mut local_known = Vec::new();
                        compared += compare(file, no, t, e, &mut local, &mut local_known);
                        bad.extend(local.into_iter().map(|m| format!("{file} {m}")));
                        known.extend(local_known.into_iter().map(|m| format!("{file} {m}")));
                    }
                    None => bad.push(format!(
                        "{file} frame {no}: tshark decodes {want_type} id {} ({}), edgecap has {:?}",
                        t.id,
                        t.dialect,
                        entries
                            .iter()
                            .map(|e| (e["type"].clone(), e["transaction_id"].clone()))
                            .collect::<Vec<_>>()
                    )),
                }
            }
            for e in entries {
                bad.push(format!(
                    "{file} frame {no}: edgecap decodes STUN {} ({}) where tshark shows {} without STUN",
                    e["type"], e["framing"], frame.protocol
                ));
            }
        }
        // Frames tshark never read (it stops at damage) are not compared.
        for (no, entries) in ours {
            if no <= last_tshark_frame {
                bad.push(format!(
                    "{file} frame {no}: {} STUN entries at a frame tshark does not list",
                    entries.len()
                ));
            }
        }
        for no in quoted.keys() {
            bad.push(format!(
                "{file} frame {no}: edgecap reads a quoted STUN header tshark does not show"
            ));
        }
        let min = MIN_COMPARED
            .iter()
            .find(|(n, _)| *n == file)
            .map(|(_, m)| *m)
            .unwrap_or_else(|| panic!("{file}: add it to MIN_COMPARED"));
        let total = compared + blind_checked;
        assert!(
            total >= min,
            "{file}: only {compared} tshark-decoded + {blind_checked} tshark-blind messages compared, want ≥ {min}"
        );
        summary.push(format!(
            "{file}: {compared} messages compared with tshark, {blind_checked} tshark-blind checked"
        ));
    }
    for b in blind.iter() {
        assert!(
            caps.iter()
                .any(|c| c.file_name().and_then(|n| n.to_str()) == Some(b.capture)),
            "generator lists {b:?} for a capture that is not committed"
        );
    }
    eprintln!("{}", summary.join("\n"));
    for k in &known {
        eprintln!("known tshark disagreement: {k}");
    }
    assert!(
        bad.is_empty(),
        "{} differences between edgecap and tshark:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The TSV parser itself, on tshark's recorded view (no edgecap involved):
/// the MS-TURN capture's key frames decode as docs/protocols.md says.
#[test]
fn stun_tsv_parses_as_protocols_md_describes() {
    let dir = common::captures_dir();
    let udp = read_stun_tsv(&dir.join("msturn-udp.pcap"));
    let m = |no: u64| &udp[&no].msgs[0];
    // With cookie: `stun`, MS-TURN dialect, 401 with the quoted realm.
    assert_eq!(
        (m(2).typ, m(2).dialect, m(2).classic),
        (0x0113, "ms-turn", false)
    );
    assert_eq!(
        m(2).error.as_ref().map(|(c, _)| *c),
        Some(401),
        "class 4 + number 1"
    );
    assert_eq!(m(2).realm.as_deref(), Some("\"rtcmedia\""));
    // Allocate success: MAPPED (relayed) then 0x8020 (reflexive), in order.
    let addrs: Vec<(u16, String)> = m(4)
        .addrs
        .iter()
        .map(|(t, a)| (*t, a.to_string()))
        .collect();
    assert_eq!(
        addrs,
        [
            (0x0001, "2.2.2.2:58138".to_string()),
            (0x8020, "10.98.2.1:50040".to_string())
        ]
    );
    // Cookieless round: classicstun, XOR decoded with the txid's first word.
    assert!(m(14).classic);
    assert_eq!(m(14).addrs[1].1.to_string(), "10.98.2.1:50042");
    assert_eq!(m(24).error.as_ref().map(|(c, _)| *c), Some(436));
    // RTP after Set Active Destination is not STUN.
    assert!(udp[&7].msgs.is_empty());

    let rfc = read_stun_tsv(&dir.join("rfc-tcp-framings.pcap"));
    // Two messages in one TCP segment each way; the split allocate at frame 8.
    let types = |no: u64| rfc[&no].msgs.iter().map(|m| m.typ).collect::<Vec<_>>();
    assert_eq!(types(4), [0x0001, 0x0003]);
    assert_eq!(types(5), [0x0101, 0x0113]);
    assert_eq!(types(8), [0x0003]);
    assert_eq!(types(14), [0x0004], "ChannelData + Refresh in one segment");
    assert!(rfc[&12].msgs.is_empty(), "padded ChannelData is not STUN");
    assert_eq!(rfc[&36].msgs[0].fingerprint, Some("bad"));
    assert_eq!(
        rfc[&38].msgs[0].addrs[1].1.to_string(),
        "[2001:db8:1234:5678:11:2233:4455:6677]:32853"
    );

    let tcp443 = read_stun_tsv(&dir.join("msturn-tcp443.pcap"));
    assert!(
        tcp443.values().all(|f| f.msgs.is_empty()),
        "tshark is blind on 443"
    );
    let blind = edgecap_testkit::samples::tshark_blind_stun().expect("generator");
    let frames: Vec<(u64, u16)> = blind
        .iter()
        .filter(|b| b.capture == "msturn-tcp443.pcap")
        .map(|b| (b.frame, b.typ))
        .collect();
    assert_eq!(
        frames,
        [
            (7, 0x0003),
            (8, 0x0113),
            (10, 0x0003),
            (11, 0x0103),
            (13, 0x0006),
            (14, 0x0106),
            (16, 0x0115),
            (23, 0x0003),
            (24, 0x0113)
        ]
    );
}
