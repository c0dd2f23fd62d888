use super::*;
use crate::cli::args::{Cli, Command};
use clap::Parser;
use edgecap_capture::CaptureReader;

fn args(file: &Path, out: &Path) -> AnnotateArgs {
    let cli = Cli::parse_from([
        "edgecap".as_ref(),
        "annotate".as_ref(),
        file.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    match cli.command {
        Some(Command::Annotate(a)) => a,
        other => panic!("{other:?}"),
    }
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("edgecap-annotate-unit-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("tmp dir");
    let p = dir.join(name);
    let _ = fs::remove_file(&p);
    p
}

fn capture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

#[test]
fn every_frame_is_copied_with_its_interface_and_time() {
    // Two sections and every link type and resolution the reader knows.
    let src = capture("link-types.pcapng.gz");
    let out = tmp("link-types.pcapng");
    assert_eq!(run(&args(&src, &out)), ExitCode::SUCCESS);
    let mut a = edgecap_capture::open_capture(&src).expect("source");
    let mut b = CaptureReader::open(&out).expect("copy");
    let mut n = 0;
    loop {
        let fa = a
            .next_frame()
            .map(|f| (f.ts, f.link, f.data.to_vec(), f.orig_len));
        let fb = b
            .next_frame()
            .map(|f| (f.ts, f.link, f.data.to_vec(), f.orig_len));
        if fa.is_none() {
            assert!(fb.is_none(), "the copy has more frames");
            break;
        }
        assert_eq!(fa, fb, "packet {n}");
        assert_eq!(a.frame_place(), b.frame_place(), "packet {n}");
        assert_eq!(a.interfaces(), b.interfaces(), "packet {n}");
        n += 1;
    }
    assert!(n > 10, "{n} packets");
    assert!(b.warnings().is_empty(), "{:?}", b.warnings());
    let _ = fs::remove_file(&out);
}

#[test]
fn an_existing_output_is_never_overwritten() {
    let out = tmp("exists.pcapng");
    fs::write(&out, b"keep me").expect("write");
    assert_eq!(
        run(&args(&capture("msturn-tcp443.pcap"), &out)),
        ExitCode::from(exit::ERROR)
    );
    assert_eq!(fs::read(&out).expect("read"), b"keep me");
    // A dangling symbolic link is not followed either.
    let link = tmp("dangling.pcapng");
    let target = tmp("target-never-created.pcapng");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    assert_eq!(
        run(&args(&capture("msturn-tcp443.pcap"), &link)),
        ExitCode::from(exit::ERROR)
    );
    assert!(!target.exists());
    let _ = fs::remove_file(&out);
    let _ = fs::remove_file(&link);
}

#[test]
fn a_failed_read_leaves_no_output() {
    let bad = tmp("not-a-capture.pcap");
    fs::write(&bad, b"hello, not a capture").expect("write");
    let out = tmp("never.pcapng");
    assert_eq!(run(&args(&bad, &out)), ExitCode::from(exit::ERROR));
    assert!(!out.exists());
    let stdin = Path::new("-");
    assert_eq!(run(&args(stdin, &out)), ExitCode::from(exit::ERROR));
    assert!(!out.exists());
    let _ = fs::remove_file(&bad);
}
