//! End-to-end test of the interactive timeline in a real terminal: tmux runs
//! the `edgecap` binary on a field-case capture, keys are sent with
//! `send-keys` and the screen is read with `capture-pane`. tmux is required
//! (`.ci/run` installs it); the test fails, never skips, when it is missing.

use std::path::Path;
use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> Output {
    Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux must be installed (.ci/run installs it)")
}

fn screen(session: &str) -> String {
    String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", session]).stdout).into_owned()
}

/// Waits until the screen contains `needle` (the UI draws asynchronously).
fn wait_for(session: &str, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let s = screen(session);
        if s.contains(needle) {
            return s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "screen never showed {needle:?}:\n{s}"
        );
        sleep(Duration::from_millis(100));
    }
}

#[test]
fn walk_from_the_refused_finding_to_its_detail_and_quit() {
    let session = format!("edgecap-e2e-{}", std::process::id());
    let exit_file = std::env::temp_dir().join(format!("{session}.exit"));
    let _ = std::fs::remove_file(&exit_file);
    let bin = env!("CARGO_BIN_EXE_edgecap");
    let capture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/field-desktop-sharing-refused.pcap");
    // After edgecap exits, the shell records its exit code and prints a marker
    // that only shows if the terminal was restored (main screen, echo on).
    let export_dir = std::env::temp_dir().join(format!("{session}.export"));
    let _ = std::fs::remove_dir_all(&export_dir);
    std::fs::create_dir_all(&export_dir).expect("export dir");
    // Started elsewhere: `--export-dir` decides where `e` writes.
    let elsewhere = std::env::temp_dir().join(format!("{session}.cwd"));
    let _ = std::fs::remove_dir_all(&elsewhere);
    std::fs::create_dir_all(&elsewhere).expect("working dir");
    let script = format!(
        "cd {} && {bin} --export-dir {} {} ; echo $? > {} ; echo TERMINAL-RESTORED ; sleep 30",
        elsewhere.display(),
        export_dir.display(),
        capture.display(),
        exit_file.display()
    );
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "160",
        "-y",
        "48",
        &script,
    ]);
    assert!(
        started.status.success(),
        "tmux new-session failed: {started:?}"
    );

    let first = wait_for(&session, "Findings (3)");
    assert!(first.contains("tcp.connection_refused"), "{first}");
    // The findings pane has focus; the refused finding is selected first.
    // Enter: jump to its first evidence frame in the ladder (frame 12, SYN).
    tmux(&["send-keys", "-t", &session, "Enter"]);
    sleep(Duration::from_millis(300));
    // Enter again: the detail of that ladder row.
    tmux(&["send-keys", "-t", &session, "Enter"]);
    let detail = wait_for(&session, "SYN → port 50704  frame 12");
    assert!(detail.contains("10.3.0.40:58138"), "{detail}");
    assert!(detail.contains("refused"), "{detail}");
    // The hex dump of frame 12, re-read from the file: the SYN's TCP header
    // (source port 58138 = 0xe31a) is what is highlighted.
    let hex = wait_for(&session, "· highlighted 0x");
    assert!(hex.contains("frame 12 · 60 bytes"), "{hex}");
    assert!(hex.contains("e3 1a"), "{hex}");

    // Esc twice: back to the findings. `/` searches the ladder as you type.
    tmux(&["send-keys", "-t", &session, "Escape"]);
    tmux(&["send-keys", "-t", &session, "Escape"]);
    tmux(&["send-keys", "-t", &session, "/"]);
    tmux(&["send-keys", "-t", &session, "-l", "relay 2.2"]);
    let search = wait_for(&session, "/relay 2.2");
    assert!(
        search.contains("Allocate ✓ relay 2.2.2.2:58138"),
        "{search}"
    );
    tmux(&["send-keys", "-t", &session, "Enter"]);
    let counted = wait_for(&session, "· match 1/1");
    assert!(counted.contains("Ladder (16 messages)"), "{counted}");

    // `:` + number + Enter goes to exactly that frame (not frames 10-17
    // that contain a 1), `g` + number too; the detail follows.
    tmux(&["send-keys", "-t", &session, "-l", ":1"]);
    wait_for(&session, "go to frame: 1▏");
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for(&session, "SYN → port 443  frame 1 ");
    tmux(&["send-keys", "-t", &session, "-l", "g16"]);
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for(&session, "SYN → port 50704  frame 16 ");
    // `]` / `[`: the selected finding's next / previous evidence frame
    // from the selected row (frames 12-17 of the refused connections).
    tmux(&["send-keys", "-t", &session, "-l", "]"]);
    wait_for(
        &session,
        "evidence frame 17 (6/6) of tcp.connection_refused",
    );
    tmux(&["send-keys", "-t", &session, "-l", "["]);
    wait_for(&session, "evidence frame 16 (5/6)");
    tmux(&["send-keys", "-t", &session, "-l", "["]);
    let step = wait_for(&session, "evidence frame 15 (4/6)");
    assert!(step.contains("RST (refused)  frame 15 "), "{step}");
    // `F` follows that row's flow (its SYN and RST), `F` again shows all.
    tmux(&["send-keys", "-t", &session, "F"]);
    let followed = wait_for(&session, "Ladder (2 of 16: flow ");
    assert!(!followed.contains("SYN-ACK"), "{followed}");
    tmux(&["send-keys", "-t", &session, "F"]);
    wait_for(&session, "Ladder (16 messages)");
    tmux(&["send-keys", "-t", &session, "Escape"]);
    // `f`, then the second choice: problems only.
    tmux(&["send-keys", "-t", &session, "f"]);
    wait_for(&session, "Filter the ladder");
    tmux(&["send-keys", "-t", &session, "j", "Enter"]);
    let filtered = wait_for(&session, ": problems only)");
    assert!(!filtered.contains("SYN-ACK"), "{filtered}");
    // `e` exports the filtered ladder to the `--export-dir` directory.
    tmux(&["send-keys", "-t", &session, "e"]);
    wait_for(&session, "exported");
    let stem = "field-desktop-sharing-refused.pcap";
    let text = std::fs::read_to_string(export_dir.join(format!("{stem}.ladder.txt")))
        .expect("text export written");
    let mermaid = std::fs::read_to_string(export_dir.join(format!("{stem}.ladder.mmd")))
        .expect("mermaid export written");
    assert_eq!(text.matches("RST (refused)").count(), 3, "{text}");
    assert!(!text.contains("SYN-ACK"), "the filter applies: {text}");
    assert!(mermaid.starts_with("sequenceDiagram"), "{mermaid}");
    assert_eq!(
        std::fs::read_dir(&elsewhere).expect("working dir").count(),
        0,
        "nothing written to the working directory"
    );

    tmux(&["send-keys", "-t", &session, "q"]);
    let after = wait_for(&session, "TERMINAL-RESTORED");
    assert!(
        !after.contains("Findings (3)"),
        "the UI is still on screen:\n{after}"
    );
    let code = std::fs::read_to_string(&exit_file).expect("exit code recorded");
    assert_eq!(code.trim(), "0");
    tmux(&["kill-session", "-t", &session]);
    let _ = std::fs::remove_file(&exit_file);
    let _ = std::fs::remove_dir_all(&export_dir);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

/// `edgecap FILE…` running in a detached tmux session of `width`×`height`.
/// After edgecap exits, the shell records its exit code in `exit_file` and
/// prints a marker that only shows if the terminal was restored.
struct Timeline {
    session: String,
    exit_file: std::path::PathBuf,
}

impl Timeline {
    /// Starts it on the files of `captures/` named in `files`.
    fn start(tag: &str, files: &[&str], (width, height): (u16, u16)) -> Timeline {
        let session = format!("edgecap-e2e-{tag}-{}", std::process::id());
        let exit_file = std::env::temp_dir().join(format!("{session}.exit"));
        let _ = std::fs::remove_file(&exit_file);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
        let paths: Vec<String> = files
            .iter()
            .map(|f| dir.join(f).display().to_string())
            .collect();
        let script = format!(
            "{} {} ; echo $? > {} ; echo TERMINAL-RESTORED ; sleep 30",
            env!("CARGO_BIN_EXE_edgecap"),
            paths.join(" "),
            exit_file.display()
        );
        let (w, h) = (width.to_string(), height.to_string());
        let started = tmux(&[
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            &w,
            "-y",
            &h,
            &script,
        ]);
        assert!(started.status.success(), "{started:?}");
        Timeline { session, exit_file }
    }

    /// `q`: the terminal is restored and edgecap exited with 0.
    fn quit(self) {
        tmux(&["send-keys", "-t", &self.session, "q"]);
        wait_for(&self.session, "TERMINAL-RESTORED");
        let code = std::fs::read_to_string(&self.exit_file).expect("exit code recorded");
        assert_eq!(code.trim(), "0");
        tmux(&["kill-session", "-t", &self.session]);
        let _ = std::fs::remove_file(&self.exit_file);
    }
}

/// Waits for `needle`, then until two captures 100 ms apart agree: the
/// whole screen is drawn, not just the line holding `needle`.
fn settled(session: &str, needle: &str) -> String {
    let start = Instant::now();
    let mut last = wait_for(session, needle);
    loop {
        sleep(Duration::from_millis(100));
        let now = screen(session);
        if now == last {
            return now;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the screen never settled:\n{now}"
        );
        last = now;
    }
}

#[test]
fn sessions_view_opens_one_allocations_ladder_and_comes_back() {
    let tui = Timeline::start("sessions", &["coturn-loopback.pcap"], (120, 40));
    let session = tui.session.clone();
    // The loopback capture: the client ports and the TURN server's 3478
    // are two lanes, so the Allocate is an arrow, not a loop.
    let first = settled(&session, "Ladder (190 messages)");
    assert!(first.contains("127.0.0.1:3478"), "{first}");
    assert!(!first.contains('↺'), "{first}");
    // `s`: one line per allocation; the two wrong-credential clients failed.
    tmux(&["send-keys", "-t", &session, "s"]);
    let list = settled(&session, "Sessions (6)");
    assert_eq!(list.matches(" udp ").count(), 4, "{list}");
    assert_eq!(list.matches(" tcp ").count(), 2, "{list}");
    assert_eq!(list.matches(" failed ").count(), 2, "{list}");
    assert!(list.contains("127.0.0.1:50040"), "relayed address: {list}");
    // The fifth session (127.0.0.1:40515, frames 87-150): Enter shows only
    // its rows.
    tmux(&["send-keys", "-t", &session, "j", "j", "j", "j", "Enter"]);
    let ladder = settled(&session, "session 5 127.0.0.1:40515) · Esc: sessions");
    assert!(ladder.contains("Ladder (64 of 190"), "{ladder}");
    assert!(
        !ladder.contains("Refresh"),
        "another session's rows: {ladder}"
    );
    assert!(ladder.contains("401 Unauthorized"), "{ladder}");
    // Esc: back to the list, where the selection stayed.
    tmux(&["send-keys", "-t", &session, "Escape"]);
    wait_for(&session, "Sessions (6)");
    tmux(&["send-keys", "-t", &session, "Escape"]);
    wait_for(&session, "Ladder (190 messages)");
    tui.quit();
}

#[test]
fn a_log_alone_opens_as_its_own_timeline() {
    let tui = Timeline::start("log", &["lync-client.uccapilog"], (160, 48));
    let session = tui.session.clone();
    // The 504 to the MRAS SERVICE is found from the log alone, and its
    // SIP messages are the ladder.
    let first = wait_for(&session, "mras.request_failed");
    assert!(first.contains("Ladder (8 messages)"), "{first}");
    // Enter: the finding's first evidence, the SERVICE on line 2 of the log.
    tmux(&["send-keys", "-t", &session, "Enter"]);
    sleep(Duration::from_millis(300));
    tmux(&["send-keys", "-t", &session, "Enter"]);
    let detail = wait_for(&session, "frame 2");
    assert!(detail.contains("SERVICE"), "{detail}");
    tui.quit();
}

#[test]
fn a_capture_with_a_log_shows_the_log_rows() {
    let tui = Timeline::start(
        "logs",
        &["sip-signalling.pcap", "lync-fe-sipstack.txt"],
        (200, 50),
    );
    let session = tui.session.clone();
    wait_for(&session, "Findings (");
    // The SERVICE the front end relayed to the edge is only in its log: a
    // row of its own, found by its mark.
    tmux(&["send-keys", "-t", &session, "/"]);
    tmux(&["send-keys", "-t", &session, "-l", "sipstack.txt:68"]);
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for(&session, "· match 1/1");
    tmux(&["send-keys", "-t", &session, "Enter"]);
    let detail = wait_for(&session, "not in the capture");
    assert!(detail.contains("lync-fe-sipstack.txt line 68"), "{detail}");
    tmux(&["send-keys", "-t", &session, "Escape"]);
    tui.quit();
}
