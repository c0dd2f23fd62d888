use super::*;
use crate::test_util::capture;
use crate::{diagnose, AnalyzeOptions, EdgeConfig};
use edgecap_testkit::samples::MS_UNKNOWN_USERNAME;

/// `MS_UNKNOWN_USERNAME` as MRAS writes it (base64).
const WRITTEN: &[u8] = b"AgAAABM3cG9vbDI=";

fn issued(time: Timestamp) -> Issued {
    Issued {
        username: WRITTEN.to_vec(),
        decoded: base64(WRITTEN),
        time,
        duration_min: Some(480),
        relays: vec![b"av.contoso.com".to_vec()],
        at: IssuedAt::Log(b"client.uccapilog".to_vec(), 47),
    }
}

/// The diagnosis with the credentials issued `shift_secs` after the first
/// Allocate that used them, and that time.
fn run(shift_secs: i64) -> (Diagnosis, Timestamp) {
    let a = capture("field-unknown-user.pcap", &AnalyzeOptions::default());
    let mut d = diagnose(&a, &EdgeConfig::default());
    let used = a
        .proto
        .stun_records()
        .find(|r| r.msg.username() == Some(MS_UNKNOWN_USERNAME))
        .expect("an Allocate with the unknown username")
        .ts;
    let at = Timestamp(used.0 + shift_secs * 1_000_000_000);
    apply(&a, &mut d, &[issued(at)]);
    (d, at)
}

#[test]
fn base64_decodes_what_mras_writes() {
    assert_eq!(base64(WRITTEN).as_deref(), Some(MS_UNKNOWN_USERNAME));
    assert_eq!(base64(b"AgAA AA=="), Some(vec![2, 0, 0, 0]));
    assert_eq!(base64(b"not base64!"), None);
    assert_eq!(base64(b""), None);
}

#[test]
fn the_rejected_username_names_the_mras_response_that_issued_it() {
    let (d, at) = run(-10);
    let f: Vec<&Finding> = d
        .findings
        .iter()
        .filter(|f| f.id == "turn.unknown_user")
        .collect();
    assert!(!f.is_empty());
    let told = format!(
        "; credentials issued by MRAS at {at} (log client.uccapilog:47) for media relay \
         av.contoso.com, rejected by this edge — the edge pool's external A/V name points to \
         another pool"
    );
    for f in &f {
        assert!(f.summary.ends_with(&told), "{}", f.summary);
        assert!(f.details.iter().any(|(k, _)| *k == "mras_response"));
    }
    assert!(
        d.findings.iter().all(|f| f.id != "clock.skew"),
        "used 10 s after issue"
    );
}

#[test]
fn credentials_used_before_issue_or_after_expiry_are_a_clock_skew() {
    // Issued an hour after the Allocate used them.
    let (d, _) = run(3600);
    let f: Vec<&Finding> = d.findings.iter().filter(|f| f.id == "clock.skew").collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(
        f[0].summary
            .contains("60 min 0 s before MRAS issued them (log client.uccapilog:47"),
        "{}",
        f[0].summary
    );
    // Issued 17 hours before: expired 9 hours ago, beyond the 8-hour lifetime.
    let (d, _) = run(-17 * 3600);
    let f: Vec<&Finding> = d.findings.iter().filter(|f| f.id == "clock.skew").collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Error);
    assert!(
        f[0].summary.contains("9 h 0 min after they expired"),
        "{}",
        f[0].summary
    );
}
