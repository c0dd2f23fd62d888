//! The live timeline end to end, in a real terminal (tmux), on real
//! traffic: coturn's `turnserver` and `turnutils_uclient` make a TURN
//! allocation on loopback (on 127.0.0.19, apart from anything else on the
//! machine), `tcpdump -U -w -` captures it into `edgecap -`, and the
//! allocation rows and a refused TCP connection (to a closed port) must
//! appear on screen while the capture is still running. A second test
//! follows a file written in steps (`edgecap --follow FILE`). Both measure
//! the time from the packet (the connect, the append) to the row on screen
//! and print it (docs/performance.md, "Live").
//!
//! Needs tmux, tcpdump, coturn (`scripts/test.sh` installs them) and the
//! right to capture on `lo` (root, as the tests run in CI); fails, never
//! skips, without them.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

const IP: &str = "127.0.0.19";

fn tmux(args: &[&str]) -> Output {
    Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux must be installed (scripts/test.sh installs it)")
}

fn screen(session: &str) -> String {
    String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", session]).stdout).into_owned()
}

/// Waits until the screen contains `needle`; returns it and when it was seen.
fn wait_for(session: &str, needle: &str, secs: u64) -> (String, Instant) {
    let start = Instant::now();
    loop {
        let s = screen(session);
        if s.contains(needle) {
            return (s, Instant::now());
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "screen never showed {needle:?}:\n{s}"
        );
        sleep(Duration::from_millis(5));
    }
}

/// Processes and the tmux session to end when the test ends, however.
struct Cleanup {
    children: Vec<Child>,
    session: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.session]);
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn spawn(cmd: &mut Command) -> Child {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?} must be installed (scripts/test.sh): {e}"))
}

fn start_session(session: &str, script: &str) {
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "200",
        "-y",
        "50",
        script,
    ]);
    assert!(started.status.success(), "tmux new-session: {started:?}");
}

#[test]
fn a_turn_allocation_and_a_refusal_appear_while_tcpdump_runs() {
    let session = format!("edgecap-live-{}", std::process::id());
    let mut cleanup = Cleanup {
        children: Vec::new(),
        session: session.clone(),
    };
    cleanup
        .children
        .push(spawn(Command::new("turnserver").args([
            "-n",
            &format!("--listening-ip={IP}"),
            &format!("--relay-ip={IP}"),
            "--listening-port=3478",
            "--lt-cred-mech",
            "--user=alice:secret",
            "--realm=edgecap.test",
            "--no-tls",
            "--no-dtls",
            "--min-port=50000",
            "--max-port=50100",
            "--allow-loopback-peers",
            "--no-cli",
        ])));
    cleanup.children.push(spawn(
        Command::new("turnutils_peer").args(["-L", IP, "-p", "3480"]),
    ));
    let bin = env!("CARGO_BIN_EXE_edgecap");
    let script =
        format!("tcpdump -i lo --immediate-mode -U -s 262144 -w - 'host {IP}' 2>/dev/null | {bin} - ; sleep 30");
    start_session(&session, &script);
    // The title says LIVE once tcpdump has written its header: it captures.
    wait_for(&session, "LIVE", 20);

    // turnserver may still be starting: the client is tried again then
    // (its failed attempts are on the timeline too, which the test allows).
    let mut client = None;
    for _ in 0..3 {
        let status = Command::new("timeout")
            .args(["20", "turnutils_uclient", "-u", "alice", "-w", "secret"])
            .args(["-e", IP, "-r", "3480", "-n", "1", "-m", "1", "-c", "-X", IP])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("turnutils_uclient (coturn) must be installed");
        client = Some(status);
        if status.success() {
            break;
        }
        sleep(Duration::from_millis(500));
    }
    assert!(
        client.is_some_and(|c| c.success()),
        "turnutils_uclient failed: {client:?}"
    );
    let (s, _) = wait_for(&session, "turn.allocation_succeeded", 10);
    assert!(s.contains("LIVE"), "{s}");
    // The ladder has followed its end; its first rows are the allocation.
    // Home there stops following: rows that arrive are counted below.
    tmux(&["send-keys", "-t", &session, "Tab", "Tab", "Home"]);
    // The detail pane names the selected row: the first Allocate, once Home
    // has been handled (only then does the ladder stop following).
    wait_for(&session, "Allocate  frame 1 ", 10);
    let (s, _) = wait_for(&session, "Allocate ✓ relay 127.0.0.19", 10);
    assert!(s.contains("401 Unauthorized"), "{s}");

    // A closed port in the relay range: SYN, then RST.
    let sent = Instant::now();
    let refused = std::net::TcpStream::connect((IP, 50999));
    assert_eq!(
        refused.map_err(|e| e.kind()).err(),
        Some(std::io::ErrorKind::ConnectionRefused)
    );
    let (s, seen) = wait_for(&session, "tcp.connection_refused", 10);
    let latency = seen.duration_since(sent);
    eprintln!("live latency, pipe: connect to finding on screen {latency:?}");
    // The selection stayed on the first row; the marker counts the rows
    // below (SYN and RST), End follows them.
    // (The detail pane shows the selected row: still the first Allocate. The
    // RST rows may fit on screen below it, depending on how many messages the
    // client sent.)
    assert!(s.contains("Allocate ✓ relay 127.0.0.19"), "{s}");
    assert!(s.contains("Allocate  frame 1 "), "{s}");
    wait_for(&session, "new rows — press End to follow", 10);
    tmux(&["send-keys", "-t", &session, "End"]);
    let (s2, _) = wait_for(&session, "RST (refused)  frame", 10);
    // Still live: tcpdump has not ended.
    assert!(s.contains("LIVE") && s2.contains("LIVE"), "{s2}");
    assert!(latency < Duration::from_secs(1), "{latency:?}");
}

/// Byte offset where record `n` (1-based) of a big-endian pcap ends.
fn record_end(bytes: &[u8], n: usize) -> usize {
    let mut at = 24;
    for _ in 0..n {
        let caplen = u32::from_be_bytes(bytes[at + 8..at + 12].try_into().expect("4 bytes"));
        at += 16 + caplen as usize;
    }
    at
}

#[test]
fn the_timeline_follows_a_file_written_in_steps() {
    let session = format!("edgecap-follow-{}", std::process::id());
    let _cleanup = Cleanup {
        children: Vec::new(),
        session: session.clone(),
    };
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/tcp-outcomes.pcap"))
            .unwrap();
    let path = std::env::temp_dir().join(format!("{session}.pcap"));
    // Frames 1-16 (three refused connections) and half of frame 17.
    let cut = (record_end(&bytes, 16) + record_end(&bytes, 17)) / 2;
    std::fs::write(&path, &bytes[..cut]).unwrap();
    let bin = env!("CARGO_BIN_EXE_edgecap");
    start_session(
        &session,
        &format!("{bin} --follow {} ; sleep 30", path.display()),
    );
    let (s, _) = wait_for(&session, "refused 3 times", 20);
    assert!(s.contains("LIVE") && s.contains("16 packets"), "{s}");
    assert!(!s.contains("SYN → port 5062"), "{s}");

    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    let written = Instant::now();
    std::io::Write::write_all(&mut file, &bytes[cut..]).unwrap();
    let (s, seen) = wait_for(&session, "SYN → port 5062", 10);
    let latency = seen.duration_since(written);
    eprintln!("live latency, followed file: append to row on screen {latency:?}");
    assert!(s.contains("31 packets") && s.contains("LIVE"), "{s}");
    // The SYN to 5062 is unanswered so far, but its retransmission timeout
    // has not passed in capture time: no finding yet, only the refusal.
    assert!(
        s.contains("Findings (1)") && !s.contains("tcp.syn_unanswered"),
        "{s}"
    );
    assert!(s.contains("(2 settling)"), "{s}");
    assert!(latency < Duration::from_secs(1), "{latency:?}");
    // q stops following and quits.
    tmux(&["send-keys", "-t", &session, "q"]);
    std::fs::remove_file(&path).unwrap();
}
