//! Hostile and broken input (issue 6): every committed capture cut at many
//! offsets and with random bytes flipped never panics, still gives valid
//! JSON with the documented keys, and warns where data was lost; the
//! terminal-safety capture `captures/hostile-strings.pcap` (escape
//! sequences, C0/C1 controls, bidi overrides, zero-width spaces, BOMs and
//! invalid UTF-8 in STUN text, SNI and ALPN) cannot drive the terminal
//! through any output — text summary, JSON, JSON lines, ladder text and
//! Mermaid — every JSON string is printable text or `hex:` of the exact
//! captured bytes, and the text outputs show them as visible escapes.
//!
//! The sweeps run in-process through the library (the same calls the
//! `summary` command makes) for speed; a sample of the same inputs runs
//! through the real binary to check exit codes, stderr and signals.

mod common;

use edgecap::report::{json::Report, text};
use edgecap_analyze::{analyze_capture, AnalyzeOptions};
use edgecap_analyze::{diagnose, EdgeConfig};
use edgecap_capture::CaptureReader;
use serde_json::Value;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The top-level keys of the JSON document (README "JSON schema").
const TOP_KEYS: &[&str] = &[
    "edgecap_version",
    "capture",
    "flows",
    "stun",
    "tls",
    "allocations",
    "turn_channels",
    "anomalies",
    "roles",
    "findings",
];

/// Cut offsets per file besides every offset inside the first 64 bytes.
const SPREAD_CUTS: usize = 200;
/// Corrupted variants per file.
const FLIP_VARIANTS: u64 = 50;

/// SplitMix64: a small seeded generator, so every run flips the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// What one in-process run gave.
enum Outcome {
    /// The reader refused the input (the binary exits 2 with this message).
    Rejected(String),
    /// The run completed: the parsed JSON document.
    Ok(Value),
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("utf-8 name")
        .to_string()
}

/// Runs `bytes` through the whole pipeline as `edgecap summary` does, text
/// and JSON; panics (with `what` for a reproducer) on any failed check.
fn run(bytes: &[u8], what: &str) -> Outcome {
    let owned = bytes.to_vec();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let reader = match CaptureReader::new(Box::new(Cursor::new(owned)), "cut") {
            Ok(r) => r,
            Err(e) => return Outcome::Rejected(e.to_string()),
        };
        let a = analyze_capture(reader, "cut", &AnalyzeOptions::default());
        let d = diagnose(&a, &EdgeConfig::default());
        let txt = text::render(&a, &d, text::TextOptions::default());
        assert!(!txt.is_empty(), "{what}: empty text summary");
        let json = Report::new(&a, &d).to_json();
        let doc: Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{what}: invalid JSON ({e})"));
        Outcome::Ok(doc)
    }));
    match result {
        Ok(outcome) => outcome,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{what}: panicked: {msg}")
        }
    }
}

fn check_keys(doc: &Value, what: &str) {
    let obj = doc.as_object().expect("JSON object");
    for k in TOP_KEYS {
        assert!(obj.contains_key(*k), "{what}: JSON lacks `{k}`");
    }
}

fn warnings(doc: &Value) -> usize {
    doc["capture"]["warnings"].as_array().map_or(0, Vec::len)
}

/// The decompressed bytes of a gzip capture (the committed ones are whole).
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("committed gzip capture decompresses");
    out
}

/// What a cut gzip stream still decompresses to (its bytes up to the cut).
fn gunzip_prefix(bytes: &[u8]) -> usize {
    use std::io::Read;
    let mut d = flate2::read::MultiGzDecoder::new(bytes);
    let mut buf = [0u8; 1];
    let mut n = 0;
    while let Ok(1) = d.read(&mut buf) {
        n += 1;
    }
    n
}

/// The file's structure: where its file header ends (cutting before that
/// must be rejected, after it never) and where records/blocks end (a cut
/// exactly there loses nothing, a cut anywhere else inside must warn; a
/// NetMon file keeps its frame table at the end, so every cut loses it).
struct Layout {
    header_end: usize,
    boundaries: Vec<usize>,
}

fn layout(plain: &[u8]) -> Layout {
    let u32_at = |at: usize, le: bool| {
        let b: [u8; 4] = plain[at..at + 4].try_into().expect("4 bytes");
        if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    };
    let mut boundaries = Vec::new();
    if plain[..4] == *b"RTSS" || plain[..4] == *b"GMBU" {
        // NetMon: the 128-byte header, then records, then the frame table
        // at the end: a cut anywhere before the end loses the table, and
        // that must be reported.
        Layout {
            header_end: 128,
            boundaries: vec![plain.len()],
        }
    } else if plain[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
        // pcapng: blocks carry their total length at +4; each SHB sets the order.
        let mut le = true;
        let mut at = 0;
        while at + 12 <= plain.len() {
            if u32_at(at, true) == 0x0a0d_0d0a {
                le = plain[at + 8..at + 12] == [0x4d, 0x3c, 0x2b, 0x1a];
            }
            let len = u32_at(at + 4, le) as usize;
            if len < 12 || at + len > plain.len() {
                break; // damaged from here: no more clean boundaries
            }
            at += len;
            boundaries.push(at);
        }
        let header_end = boundaries.first().copied().unwrap_or(plain.len());
        Layout {
            header_end,
            boundaries,
        }
    } else {
        let le = [
            [0xd4, 0xc3, 0xb2, 0xa1],
            [0x4d, 0x3c, 0xb2, 0xa1],
            [0x34, 0xcd, 0xb2, 0xa1],
        ]
        .contains(&[plain[0], plain[1], plain[2], plain[3]]);
        // The modified (Kuznetzov) format has 24-byte record headers.
        let modified = u32_at(0, le) == 0xa1b2_cd34;
        let rec = if modified { 24 } else { 16 };
        let mut at = 24;
        boundaries.push(at);
        while at + rec <= plain.len() {
            let len = u32_at(at + 8, le) as usize;
            if at + rec + len > plain.len() {
                break;
            }
            at += rec + len;
            boundaries.push(at);
        }
        Layout {
            header_end: 24,
            boundaries,
        }
    }
}

/// Every offset inside the first 64 bytes and `SPREAD_CUTS` spread over the rest.
fn cut_offsets(len: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = (0..len.min(64)).collect();
    if len > 64 {
        let span = len - 64;
        cuts.extend((0..SPREAD_CUTS).map(|i| 64 + i * span / SPREAD_CUTS));
    }
    cuts.dedup();
    cuts
}

#[test]
fn truncated_captures_warn_and_never_panic() {
    let mut runs = 0;
    for path in common::all_captures() {
        let name = name_of(&path);
        let bytes = std::fs::read(&path).expect("read capture");
        let gz = bytes.starts_with(&[0x1f, 0x8b]);
        let plain = if gz { gunzip(&bytes) } else { bytes.clone() };
        let lay = layout(&plain);
        // The whole file is readable.
        let Outcome::Ok(_) = run(&bytes, &name) else {
            panic!("{name}: whole file rejected")
        };
        // Cut the file as stored (for gzip: the compressed stream) and, for
        // gzip, also the decompressed capture inside it.
        let mut inputs = vec![(bytes.clone(), gz)];
        if gz {
            inputs.push((plain.clone(), false));
        }
        for (data, compressed) in inputs {
            for cut in cut_offsets(data.len()) {
                let what = format!(
                    "{name}{} cut at byte {cut} of {}",
                    if gz && !compressed {
                        " (decompressed)"
                    } else {
                        ""
                    },
                    data.len()
                );
                runs += 1;
                match run(&data[..cut], &what) {
                    Outcome::Rejected(msg) => {
                        assert!(
                            !msg.is_empty() && !msg.contains('\n'),
                            "{what}: message not one line: {msg:?}"
                        );
                        // Rejected only when the file header is gone (for gzip:
                        // when the cut stream no longer holds all of it).
                        let available = if compressed {
                            gunzip_prefix(&data[..cut])
                        } else {
                            cut
                        };
                        assert!(
                            available < lay.header_end,
                            "{what}: rejected with the header intact ({msg})"
                        );
                    }
                    Outcome::Ok(doc) => {
                        check_keys(&doc, &what);
                        if !compressed {
                            assert!(cut >= lay.header_end, "{what}: accepted a cut header");
                        }
                        // For gzip the reader may stop at a deflate block boundary
                        // before the cut: no exact check of how much it got.
                        // Data was lost inside a record: a warning must say so.
                        let lost = if compressed {
                            true // the gzip stream ends early: always lost bytes
                        } else {
                            !lay.boundaries.contains(&cut)
                        };
                        if lost {
                            assert!(
                                warnings(&doc) > 0,
                                "{what}: data lost without a capture warning"
                            );
                        }
                    }
                }
            }
        }
    }
    eprintln!("{runs} truncated inputs checked");
}

#[test]
fn corrupted_captures_never_panic() {
    let mut runs = 0;
    for path in common::all_captures() {
        let name = name_of(&path);
        let bytes = std::fs::read(&path).expect("read capture");
        let gz = bytes.starts_with(&[0x1f, 0x8b]);
        let plain = if gz { gunzip(&bytes) } else { bytes.clone() };
        let header_end = layout(&plain).header_end;
        for (data, compressed) in [(bytes.clone(), gz)]
            .into_iter()
            .chain(gz.then(|| (plain.clone(), false)))
        {
            for variant in 0..FLIP_VARIANTS {
                let mut rng = Rng(variant ^ (data.len() as u64) << 20);
                let mut bad = data.clone();
                let flips = 1 + rng.below(8);
                let mut first = usize::MAX;
                for _ in 0..flips {
                    // Half the variants hit the first 256 bytes (headers,
                    // first records), the rest anywhere.
                    let span = if variant % 2 == 0 {
                        bad.len().min(256)
                    } else {
                        bad.len()
                    };
                    let at = rng.below(span);
                    first = first.min(at);
                    bad[at] ^= 1 + rng.below(255) as u8;
                }
                let what = format!(
                    "{name}{} variant {variant} ({flips} bytes flipped, first at {first})",
                    if gz && !compressed {
                        " (decompressed)"
                    } else {
                        ""
                    }
                );
                runs += 1;
                match run(&bad, &what) {
                    Outcome::Rejected(msg) => {
                        assert!(!msg.contains('\n'), "{what}: message not one line");
                        assert!(
                            compressed || first < header_end,
                            "{what}: rejected with an intact header ({msg})"
                        );
                    }
                    Outcome::Ok(doc) => check_keys(&doc, &what),
                }
            }
        }
    }
    eprintln!("{runs} corrupted inputs checked");
}

/// A scratch directory for files handed to the binary.
fn scratch_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

#[test]
fn the_binary_survives_cut_and_corrupted_files() {
    let dir = scratch_dir();
    let mut rng = Rng(6);
    let mut runs = 0;
    for path in common::all_captures() {
        let name = name_of(&path);
        let bytes = std::fs::read(&path).expect("read capture");
        let gz = bytes.starts_with(&[0x1f, 0x8b]);
        let header_end = if gz { 0 } else { layout(&bytes).header_end };
        let mut cases: Vec<(String, Vec<u8>)> = [0, 10, header_end, header_end + 5]
            .into_iter()
            .chain([bytes.len() / 2, bytes.len() - 1])
            .filter(|&c| c <= bytes.len())
            .map(|c| (format!("cut at {c}"), bytes[..c].to_vec()))
            .collect();
        for v in 0..3 {
            let mut bad = bytes.clone();
            for _ in 0..4 {
                let at = rng.below(bad.len());
                bad[at] ^= 0x5a;
            }
            cases.push((format!("corrupt variant {v}"), bad));
        }
        for (case, data) in cases {
            let what = format!("{name} {case}");
            let file = dir.join(format!("{name}.{}", case.replace(' ', "-")));
            std::fs::write(&file, &data).expect("write scratch file");
            let out = Command::new(env!("CARGO_BIN_EXE_edgecap"))
                .args(["summary", "--json", "--fail-on", "none"])
                .arg(&file)
                .output()
                .expect("edgecap runs");
            runs += 1;
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{what}: panic: {stderr}");
            let code = out
                .status
                .code()
                .unwrap_or_else(|| panic!("{what}: killed by a signal ({:?})", out.status));
            match code {
                0 => {
                    let doc: Value = serde_json::from_slice(&out.stdout)
                        .unwrap_or_else(|e| panic!("{what}: invalid JSON: {e}"));
                    check_keys(&doc, &what);
                }
                2 => {
                    // The header itself is gone: one clear line, no JSON.
                    assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
                    assert!(stderr.starts_with("edgecap: "), "{what}: {stderr}");
                    assert!(out.stdout.is_empty(), "{what}: output despite the error");
                }
                other => panic!("{what}: exit {other}: {stderr}"),
            }
        }
    }
    eprintln!("{runs} binary runs");
}

/// `captures/hostile-strings.pcap` as the text summary and the JSON.
fn hostile_outputs() -> (Vec<u8>, Vec<u8>) {
    let path = common::captures_dir().join("hostile-strings.pcap");
    let path = path.to_str().expect("utf-8 path");
    let text = common::edgecap(&["summary", "--fail-on", "none", "--color", "always", path]);
    assert_eq!(text.status.code(), Some(0), "text summary failed");
    let json = common::edgecap(&["summary", "--json", "--fail-on", "none", path]);
    assert_eq!(json.status.code(), Some(0), "JSON summary failed");
    (text.stdout, json.stdout)
}

/// Every string in a JSON document, with its path.
fn strings<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::String(s) => out.push((path, s)),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                strings(x, format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn hostile_strings_cannot_drive_the_terminal() {
    let (text, _) = hostile_outputs();
    // `--color always` adds edgecap's own SGR sequences: take them out
    // (exactly the ones it writes), then no ESC may remain.
    let mut own = String::from_utf8(text.clone()).expect("the text summary is UTF-8");
    for sgr in [
        "\x1b[0m",
        "\x1b[1m",
        "\x1b[31m",
        "\x1b[33m",
        "\x1b[36m",
        "\x1b[1;31m",
    ] {
        own = own.replace(sgr, "");
    }
    let forbidden: &[(&str, &str)] = &[
        ("\x1b", "ESC"),
        ("\x07", "BEL"),
        ("\x08", "backspace"),
        ("\u{9b}", "C1 CSI"),
        ("\u{202e}", "RLO bidi override"),
        ("\u{fffd}", "replacement character (lossy decoding)"),
    ];
    for (s, what) in forbidden {
        assert!(!own.contains(s), "text summary contains a raw {what}");
    }
    for b in [0x07u8, 0x08, 0x9b] {
        assert!(
            !text.contains(&b),
            "text summary contains raw byte {b:#04x}"
        );
    }
    // The hostile bytes are visible as escapes, in every place they occur.
    // (The backslashes of the OSC 8 string terminators are doubled.)
    let visible = "\\x1b[31mRED\\x1b]8;;http://x\\x1b\\\\link\\x1b]8;;\\x1b\\\\\\x07\\x08\\u{9b}2J\\u{202e}txe.exezero\\u{200b}width\\u{feff}bom\\xff\\xfe\\xc3";
    for prefix in ["reason", "realm", "unknown"] {
        assert!(
            own.contains(&format!("{prefix}{visible}")),
            "text summary lacks the escaped {prefix} phrase:\n{own}"
        );
    }
    assert!(
        own.contains("evil\\x1b[2J\\x1b[31m.ex\\u{200b}am\\u{feff}ple\\xff\\xfe\\xc3"),
        "text summary lacks the escaped SNI"
    );
}

#[test]
fn hostile_strings_are_escaped_and_kept_in_json() {
    let (_, json) = hostile_outputs();
    // serde escapes every control character: none appears raw.
    assert!(
        !json.iter().any(|&b| b < 0x20 && b != b'\n'),
        "raw control byte in the JSON"
    );
    let doc: Value = serde_json::from_slice(&json).expect("valid JSON");
    check_keys(&doc, "hostile-strings.pcap");
    let mut all = Vec::new();
    strings(&doc, String::new(), &mut all);
    for (path, s) in &all {
        for c in ['\u{1b}', '\u{7}', '\u{8}', '\u{9b}', '\u{202e}', '\u{fffd}'] {
            assert!(!s.contains(c), "{path} carries {c:?} into the JSON: {s:?}");
        }
    }
    // Each hostile value is kept whole, as `hex:` of the exact bytes.
    let hex = |prefix: &str| {
        let bytes = edgecap_testkit::samples::hostile(prefix);
        let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("hex:{h}")
    };
    let stun = doc["stun"].as_array().expect("stun array");
    let field = |i: usize, k: &str| stun[i][k].as_str().unwrap_or_default().to_string();
    assert_eq!(field(0, "software"), hex("soft"));
    assert_eq!(field(2, "username"), hex("user"));
    assert_eq!(field(2, "realm"), hex("realm"));
    assert_eq!(field(2, "nonce"), hex("nonce"));
    assert_eq!(field(3, "realm"), hex("realm"));
    assert_eq!(
        stun[3]["error"]["reason"].as_str(),
        Some(hex("reason").as_str())
    );
    assert_eq!(field(4, "username"), hex("msuser"));
    assert_eq!(field(4, "realm"), hex("msrealm"));
    assert_eq!(stun[5]["error"]["code"].as_u64(), Some(436));
    assert_eq!(
        stun[5]["error"]["reason"].as_str(),
        Some(hex("unknown").as_str())
    );
    let sni: String = edgecap_testkit::samples::HOSTILE_SNI
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        doc["tls"][0]["sni"].as_str(),
        Some(format!("hex:{sni}").as_str())
    );
    // No hostile value vanished: every place that shows one shows it whole.
    let whole = all
        .iter()
        .filter(|(_, s)| s.starts_with("hex:") && s.ends_with("fffec3"))
        .count();
    assert!(whole >= 25, "only {whole} hostile values kept whole");
}

/// The finding `turn.unknown_user` quotes the 436 reason phrase: its hostile
/// bytes must stay recoverable (visible escapes), not be replaced by `?`.
#[test]
fn finding_details_keep_hostile_text_recoverable() {
    let (_, json) = hostile_outputs();
    let doc: Value = serde_json::from_slice(&json).expect("valid JSON");
    let reason = doc["findings"][0]["details"]["reason"]
        .as_str()
        .expect("reason");
    assert!(
        reason.starts_with("hex:") || reason.contains("\\x1b"),
        "reason lost its bytes: {reason:?}"
    );
}

/// edgecap's own SGR sequences in `--color always` output (the only ESC it
/// may write).
const OWN_SGR: &[&str] = &[
    "\x1b[0m",
    "\x1b[1m",
    "\x1b[31m",
    "\x1b[33m",
    "\x1b[36m",
    "\x1b[1;31m",
];

/// Characters no output may carry raw (listed here, independently of
/// `edgecap_core::safe`): C0 controls other than newline and tab, DEL, C1
/// controls, bidi controls (ALM, LRM/RLM, embeddings/overrides, isolates),
/// the line/paragraph separators, the zero-width space/non-joiner/joiner
/// U+200B–U+200D, the word joiner and invisible operators U+2060–U+2064,
/// the BOM U+FEFF and the replacement character U+FFFD (a lossy decoding).
fn forbidden(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
        | '\u{feff}' | '\u{fffd}')
}

/// Every output of the real binary on `captures/hostile-strings.pcap`, by
/// name: the text summary with and without colour, the JSON document, the
/// JSON lines, and the ladder as text and as Mermaid.
fn every_output() -> Vec<(&'static str, String)> {
    let path = common::captures_dir().join("hostile-strings.pcap");
    let path = path.to_str().expect("utf-8 path");
    let runs: &[(&str, &[&str])] = &[
        (
            "summary --color always",
            &["summary", "--fail-on", "none", "--color", "always"],
        ),
        (
            "summary --color never",
            &["summary", "--fail-on", "none", "--color", "never"],
        ),
        (
            "summary --json",
            &["summary", "--fail-on", "none", "--json"],
        ),
        (
            "summary --json-lines",
            &["summary", "--fail-on", "none", "--json-lines"],
        ),
        (
            "summary --brief --explain --color always",
            &[
                "summary",
                "--fail-on",
                "none",
                "--brief",
                "--explain",
                "--color",
                "always",
            ],
        ),
        ("ladder", &["ladder"]),
        (
            "ladder --format mermaid",
            &["ladder", "--format", "mermaid"],
        ),
    ];
    runs.iter()
        .map(|(name, args)| {
            let mut args = args.to_vec();
            args.push(path);
            let out = common::edgecap(&args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout)
                .unwrap_or_else(|e| panic!("{name}: output is not UTF-8: {e}"));
            (*name, text)
        })
        .collect()
}

/// Lowercase hex of `b`, `hex:`-prefixed: how JSON keeps unsafe text.
fn hex_of(b: &[u8]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("hex:{h}")
}

/// The bytes behind a JSON string: `hex:` decoded, or the text itself.
fn bytes_of(s: &str) -> Vec<u8> {
    match s.strip_prefix("hex:") {
        Some(h) => (0..h.len() / 2)
            .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("hex"))
            .collect(),
        None => s.as_bytes().to_vec(),
    }
}

#[test]
fn no_output_of_the_hostile_capture_carries_an_unsafe_character() {
    for (name, out) in every_output() {
        let mut own = out.clone();
        if name.ends_with("always") {
            for sgr in OWN_SGR {
                own = own.replace(sgr, "");
            }
        } else {
            assert!(!out.contains('\x1b'), "{name}: ESC without --color always");
        }
        for (line_no, line) in own.lines().enumerate() {
            let bad: Vec<char> = line.chars().filter(|&c| forbidden(c)).collect();
            assert!(
                bad.is_empty(),
                "{name} line {}: raw {bad:?} in {line:?}",
                line_no + 1
            );
        }
    }
}

#[test]
fn every_json_string_is_printable_or_hex_and_keeps_the_bytes() {
    use edgecap_testkit::samples::{hostile, HOSTILE_ALPN, HOSTILE_INVISIBLE, HOSTILE_SNI};
    let outputs = every_output();
    let get = |n: &str| {
        outputs
            .iter()
            .find(|(name, _)| *name == n)
            .map(|(_, o)| o.clone())
            .expect("output")
    };
    let doc: Value = serde_json::from_str(&get("summary --json")).expect("valid JSON");
    let lines: Vec<Value> = get("summary --json-lines")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect();
    assert!(lines.len() > 10, "{} JSON lines", lines.len());
    let mut all = Vec::new();
    strings(&doc, "$".into(), &mut all);
    for (i, l) in lines.iter().enumerate() {
        strings(l, format!("line {}", i + 1), &mut all);
    }
    assert!(all.len() > 100, "only {} strings walked", all.len());
    for (path, s) in &all {
        if let Some(h) = s.strip_prefix("hex:") {
            assert!(
                !h.is_empty()
                    && h.len() % 2 == 0
                    && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
                "{path}: not lowercase hex: {s:?}"
            );
        } else {
            let bad: Vec<char> = s
                .chars()
                .filter(|&c| c.is_control() || forbidden(c))
                .collect();
            assert!(bad.is_empty(), "{path}: raw {bad:?} in {s:?}");
        }
    }
    // The hostile values decode to exactly the generator's bytes, in the
    // document and in the JSON lines alike.
    let stun_lines: Vec<&Value> = lines
        .iter()
        .filter(|l| l["type"] == "stun")
        .map(|l| &l["stun"])
        .collect();
    let tls_line = lines
        .iter()
        .find(|l| l["type"] == "tls")
        .map(|l| &l["tls"])
        .expect("a tls line");
    let stun_doc: Vec<&Value> = doc["stun"].as_array().expect("stun").iter().collect();
    for (what, stun, tls) in [
        ("--json", &stun_doc, &doc["tls"][0]),
        ("--json-lines", &stun_lines, tls_line),
    ] {
        let field = |i: usize, k: &str| {
            let v = if k == "reason" {
                &stun[i]["error"]["reason"]
            } else {
                &stun[i][k]
            };
            bytes_of(
                v.as_str()
                    .unwrap_or_else(|| panic!("{what}: no stun[{i}].{k}")),
            )
        };
        assert_eq!(field(0, "software"), hostile("soft"), "{what}");
        assert_eq!(field(1, "software"), HOSTILE_INVISIBLE.as_bytes(), "{what}");
        assert_eq!(
            stun[1]["software"].as_str(),
            Some(hex_of(HOSTILE_INVISIBLE.as_bytes()).as_str()),
            "{what}: valid UTF-8 with only invisible characters is hex too"
        );
        assert_eq!(field(2, "username"), hostile("user"), "{what}");
        assert_eq!(field(2, "realm"), hostile("realm"), "{what}");
        assert_eq!(field(2, "nonce"), hostile("nonce"), "{what}");
        assert_eq!(field(3, "reason"), hostile("reason"), "{what}");
        assert_eq!(field(4, "username"), hostile("msuser"), "{what}");
        assert_eq!(field(4, "realm"), hostile("msrealm"), "{what}");
        assert_eq!(field(5, "reason"), hostile("unknown"), "{what}");
        let sni = tls["sni"].as_str().expect("sni");
        assert_eq!(sni, hex_of(HOSTILE_SNI), "{what}");
        let alpn: Vec<Vec<u8>> = tls["alpn"]
            .as_array()
            .expect("alpn")
            .iter()
            .map(|v| bytes_of(v.as_str().expect("alpn string")))
            .collect();
        let want: Vec<Vec<u8>> = HOSTILE_ALPN.iter().map(|p| p.to_vec()).collect();
        assert_eq!(alpn, want, "{what}");
        assert_eq!(tls["alpn"][0], "h2", "{what}: safe text stays text");
    }
}

#[test]
fn text_outputs_show_invisible_characters_and_invalid_bytes_as_escapes() {
    // The tail of every hostile STUN value, and the SNI, as the escapes a
    // reader sees.
    let tail = "zero\\u{200b}width\\u{feff}bom\\xff\\xfe\\xc3";
    let sni = "evil\\x1b[2J\\x1b[31m.ex\\u{200b}am\\u{feff}ple\\xff\\xfe\\xc3";
    for (name, out) in every_output() {
        // The brief summary quotes no captured string (only the findings'
        // summaries, roles and addresses): it is checked for raw bytes only.
        if name.contains("json") || name.contains("--brief") {
            continue;
        }
        for want in ["\\u{200b}", "\\u{feff}", "\\xff\\xfe\\xc3", tail] {
            assert!(out.contains(want), "{name} lacks {want}:\n{out}");
        }
        assert!(out.contains(sni), "{name} lacks the escaped SNI:\n{out}");
    }
}
