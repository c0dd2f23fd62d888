//! `edgecap summary --follow --json-lines` on a capture file written in
//! steps, as the real binary runs it: a refusal is reported while the file
//! is still half written, later flows when the rest is appended, the rest at
//! Ctrl-C (SIGINT) — and all told, exactly the findings and flows of the
//! batch `--json-lines` of the whole file, and its exit code.

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const CAPTURE: &str = "captures/tcp-outcomes.pcap";

/// Byte offset where record `n` (1-based) of a big-endian pcap ends.
fn record_end(bytes: &[u8], n: usize) -> usize {
    let mut at = 24;
    for _ in 0..n {
        let caplen =
            u32::from_be_bytes(bytes[at + 8..at + 12].try_into().expect("4 bytes")) as usize;
        at += 16 + caplen;
    }
    at
}

fn key(line: &Value) -> String {
    let kind = line["type"].as_str().expect("a type");
    match kind {
        "flow" => format!("flow {}", line["flow"]["id"]),
        "finding" => format!(
            "finding {} {}",
            line["finding"]["id"], line["finding"]["frames"][0]
        ),
        other => other.to_string(),
    }
}

/// Waits for the next line, failing after `secs` seconds.
fn next(rx: &mpsc::Receiver<Value>, secs: u64) -> Value {
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("a line within the time limit")
}

#[test]
fn follow_reports_as_the_file_grows_and_ends_at_ctrl_c_like_the_batch() {
    let bytes = std::fs::read(CAPTURE).unwrap();
    let dir = std::env::temp_dir().join(format!("edgecap-cli-follow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("growing.pcap");
    let mut file = std::fs::File::create(&path).unwrap();
    // Frames 1-12 (the first refusal's SYN and RST) and half of frame 13.
    let (twelve, thirteen) = (record_end(&bytes, 12), record_end(&bytes, 13));
    let cut = (twelve + thirteen) / 2;
    file.write_all(&bytes[..cut]).unwrap();
    file.flush().unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(["summary", "--follow", "--json-lines"])
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            tx.send(serde_json::from_str::<Value>(&line).expect("each line is JSON"))
                .unwrap();
        }
    });
    let mut seen = Vec::new();
    // While half written: flows 0 and 1 ended, the refusal is certain.
    while !seen.contains(&"finding \"tcp.connection_refused\" 11".to_string()) {
        seen.push(key(&next(&rx, 10)));
    }
    assert!(seen.contains(&"flow 0".to_string()), "{seen:?}");
    assert!(!seen.iter().any(|k| k.starts_with("flow 5")), "{seen:?}");
    // Nothing else certain yet: the flow of frames 13-14 is still open.
    assert!(rx.recv_timeout(Duration::from_millis(600)).is_err());

    file.write_all(&bytes[cut..]).unwrap();
    file.flush().unwrap();
    // The rest: the reset flow (frames 17-22) ends with its RST.
    while !seen.contains(&"flow 4".to_string()) {
        seen.push(key(&next(&rx, 10)));
    }
    assert!(!seen.iter().any(|k| k == "end"), "{seen:?}");

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    loop {
        let line = next(&rx, 10);
        let k = key(&line);
        seen.push(k.clone());
        if k == "end" {
            assert_eq!(line["end"]["flow"], 8);
            break;
        }
    }
    let code = child.wait().unwrap().code();

    let batch = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(["summary", "--json-lines", CAPTURE])
        .output()
        .unwrap();
    assert_eq!(code, batch.status.code());
    assert_eq!(code, Some(1));
    let mut want: Vec<String> = String::from_utf8(batch.stdout)
        .unwrap()
        .lines()
        .map(|l| key(&serde_json::from_str(l).unwrap()))
        .filter(|k| k.starts_with("flow") || k.starts_with("finding"))
        .collect();
    let mut got: Vec<String> = seen
        .into_iter()
        .filter(|k| k.starts_with("flow") || k.starts_with("finding"))
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn follow_of_a_pipe_ends_with_it_and_needs_json_lines() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(["summary", "--follow", "--json-lines", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read("captures/coturn-loopback.pcap").unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let batch = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(["summary", "--json-lines", "captures/coturn-loopback.pcap"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), batch.status.code());
    let text = String::from_utf8(out.stdout).unwrap();
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "end");
    let allocations = text
        .lines()
        .filter(|l| l.starts_with(r#"{"type":"allocation""#))
        .count();
    assert_eq!(last["end"]["allocation"], allocations);
    assert!(allocations >= 6, "{text}");

    let refused = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(["summary", "--follow", CAPTURE])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--json-lines"));
}
