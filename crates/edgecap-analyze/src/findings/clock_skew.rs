//! `clock.skew`: a host whose SIP `Date` headers (always GMT, RFC 3261
//! §20.17) disagree with the capture's clock by more than
//! [`MAX_AGREEMENT_SECS`]. A front end whose clock or time zone is wrong lets
//! MRAS SERVICE requests expire in its outbound queue ("Limited External
//! Calling"), and MRAS credentials live 8 hours: beyond that, credentials
//! are expired or not yet valid wherever they are checked.
//!
//! A log read alone is on its writer's clock, in a time zone it does not
//! name: there the nearest whole or half hour is taken as the log's zone
//! and set aside, so only what is left (at most 15 minutes) can be a skew.
//!
//! Severity: `error` beyond [`MRAS_CREDENTIAL_SECS`], else `warning`. One
//! finding per sending host, on its message that disagrees most. Frames:
//! that message. Details: `seconds` (Date minus capture, signed as text),
//! `count` (Date headers from the host).

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::common::{Ctx, FindingBuilder};
use super::sip_exchanges::SipAt;
use crate::log_offset::{nearest_zone, LogOffset};
use crate::{Detail, Finding, Severity};
use edgecap_capture::CaptureFormat;
use edgecap_capture::FrameNo;
use edgecap_core::safe::escape_bytes;
use edgecap_proto::ProtoMsg;

/// The finding id.
pub const ID: &str = "clock.skew";
/// Largest disagreement read as agreement: 5 minutes (the Kerberos and
/// TLS-DSK tolerance Lync servers use).
pub const MAX_AGREEMENT_SECS: i64 = 5 * 60;
/// MRAS credential lifetime: 480 minutes ([MS-AVEDGEA], the `duration` of
/// a credentials response).
pub const MRAS_CREDENTIAL_SECS: i64 = 8 * 3600;

/// `clock.skew` from a log's clock: its estimated offset against the
/// capture beyond [`MAX_AGREEMENT_SECS`] that is not a time zone (whole or
/// half hours within 5 minutes, [`crate::log_offset`]). `name` is the log's
/// file name escaped for the summary, `raw` the same as bytes (the `log`
/// detail keeps it recoverable, `hex:` when not printable); `frames` the
/// capture frames of the messages both hold (evidence). Severity as for
/// `Date` headers.
pub fn of_log(name: &str, raw: &[u8], offset: &LogOffset, frames: Vec<FrameNo>) -> Option<Finding> {
    if offset.zone_minutes.is_some() || offset.offset_ns.abs() <= MAX_AGREEMENT_SECS * 1_000_000_000
    {
        return None;
    }
    let secs = offset.offset_ns / 1_000_000_000;
    let mut b = FindingBuilder::default();
    b.frames(frames);
    let summary = format!(
        "the log {name} runs {} {} the capture's clock ({} messages both hold, matched by Call-ID \
         and CSeq, spread {:.3} s): not a time zone",
        human(secs),
        if secs < 0 { "behind" } else { "ahead of" },
        offset.matched,
        offset.spread_ns as f64 / 1e9
    );
    let severity = if secs.abs() > MRAS_CREDENTIAL_SECS {
        Severity::Error
    } else {
        Severity::Warning
    };
    let explanation = format!(
        "The same SIP messages carry different times in the log and in the capture, by more \
         than {MAX_AGREEMENT_SECS} s and not by whole or half hours (a log in local time): the \
         clock of the host that wrote the log, or of the capturing machine, is wrong. A front \
         end or client with a wrong clock lets MRAS requests expire in queues and presents \
         MRAS credentials (valid 8 hours) as expired or not yet valid; Kerberos and TLS-DSK \
         sign-in fail beyond 5 minutes. Correct the clock (NTP) on that host."
    );
    b.detail("seconds", Detail::Text(secs.to_string()))
        .detail(
            "log",
            Detail::Text(edgecap_core::safe::text_or_hex(raw).into_owned()),
        )
        .detail("count", Detail::Count(offset.matched as u64));
    Some(b.build(ID, severity, summary, explanation))
}

/// `59 s`, `10 min 0 s`, `3 h 0 min`.
pub(crate) fn human(secs: i64) -> String {
    let a = secs.unsigned_abs();
    match a {
        0..=119 => format!("{a} s"),
        120..=7199 => format!("{} min {} s", a / 60, a % 60),
        _ => format!("{} h {} min", a / 3600, a % 3600 / 60),
    }
}

/// One finding per host whose Date headers disagree with the capture.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let log_alone = ctx.analysis.capture.format == CaptureFormat::LogAlone;
    let clock = if log_alone {
        "the log's clock (its time zone set aside)"
    } else {
        "the capture's clock"
    };
    // host → (count, worst |skew|, skew, message)
    let mut worst: BTreeMap<IpAddr, (u64, i64, SipAt<'_>)> = BTreeMap::new();
    for d in &ctx.analysis.proto.messages {
        let ProtoMsg::Sip(rec) = &d.msg else { continue };
        let Some(date) = rec.msg.date() else { continue };
        let Some(at) = SipAt::of(ctx.analysis, d, rec) else {
            continue;
        };
        let mut skew = date - d.ts.0.div_euclid(1_000_000_000);
        if log_alone {
            // Log minus Date: the nearest whole or half hour is the log's zone.
            let (_, rest) = nearest_zone(skew.saturating_mul(-1_000_000_000));
            skew = -(rest / 1_000_000_000);
        }
        let e = worst.entry(at.src.ip);
        match e {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert((1, skew, at));
            }
            std::collections::btree_map::Entry::Occupied(mut o) => {
                let (n, w, m) = o.get_mut();
                *n += 1;
                if skew.abs() > w.abs() {
                    *w = skew;
                    *m = at;
                }
            }
        }
    }
    worst
        .into_iter()
        .filter(|(_, (_, skew, _))| skew.abs() > MAX_AGREEMENT_SECS)
        .map(|(host, (n, skew, at))| {
            let mut b = FindingBuilder::default();
            b.frames([at.frame]).flow(at.flow);
            let date = at.rec.msg.header("date").unwrap_or_default();
            let summary = format!(
                "{} dates its SIP messages {} {} {clock} (Date \"{}\" in frame {}; {n} Date header{})",
                ctx.host(host),
                human(skew),
                if skew < 0 { "behind" } else { "ahead of" },
                escape_bytes(date),
                at.frame,
                if n == 1 { "" } else { "s" }
            );
            let severity = if skew.abs() > MRAS_CREDENTIAL_SECS {
                Severity::Error
            } else {
                Severity::Warning
            };
            let explanation = format!(
                "SIP Date headers are in GMT, so a difference of more than {} s from the capture \
                 is this host's clock (or its time zone) set wrong — or the capturing machine's. \
                 A front end with a wrong clock lets MRAS SERVICE requests expire in its outbound \
                 queue (clients show \"Limited External Calling\"); MRAS credentials are valid for \
                 8 hours, so beyond that they are expired or not yet valid where they are checked. \
                 Correct the clock (and time zone) and restart the front end services.",
                MAX_AGREEMENT_SECS
            );
            b.detail("seconds", Detail::Text(skew.to_string()))
                .detail("count", Detail::Count(n));
            b.build(ID, severity, summary, explanation)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    fn client_log(date: &str) -> crate::Analysis {
        let text = edgecap_testkit::samples::uccapi_log()
            .unwrap()
            .replace("Date: Thu, 26 Nov 2026 13:00:01 GMT", date);
        let sips: Vec<_> =
            edgecap_sip::log::LogReader::new(text.as_bytes(), edgecap_sip::log::LogKind::Uccapi)
                .filter_map(|i| match i {
                    edgecap_sip::log::LogItem::Sip(s) => Some(*s),
                    _ => None,
                })
                .collect();
        crate::log_alone::analysis_from_log(b"client.uccapilog", &sips)
    }

    #[test]
    fn a_log_alone_in_local_time_is_no_skew_but_ten_minutes_beyond_its_zone_are() {
        // The client log is in UTC+1 (its clock 2.4 s fast): the front
        // end's Date one hour behind is the log's zone.
        let a = client_log("Date: Thu, 26 Nov 2026 13:00:01 GMT");
        assert!(with_id(&detect_all(&a, &Default::default()), ID).is_empty());
        let a = client_log("Date: Thu, 26 Nov 2026 12:50:01 GMT");
        let all = detect_all(&a, &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].summary.starts_with(
                "10.10.10.1 dates its SIP messages 10 min 2 s behind the log's clock (its time zone set aside)"
            ),
            "{}",
            f[0].summary
        );
    }

    #[test]
    fn a_log_twenty_minutes_ahead_is_a_skew_an_hour_is_a_zone() {
        let twenty = crate::log_offset::estimate(
            vec![(b"k".to_vec(), 0)],
            vec![(b"k".to_vec(), 20 * 60 * 1_000_000_000 + 7)],
        )
        .unwrap();
        let f = of_log(
            "client.uccapilog",
            b"client.uccapilog",
            &twenty,
            vec![FrameNo(4)],
        )
        .expect("a skew");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "the log client.uccapilog runs 20 min 0 s ahead of the capture's clock (1 messages \
             both hold, matched by Call-ID and CSeq, spread 0.000 s): not a time zone"
        );
        assert_eq!(f.frames, vec![FrameNo(4)]);
        let nine_hours_behind = crate::log_offset::estimate(
            vec![(b"k".to_vec(), 9 * 3600 * 1_000_000_000 + 1_000_000_000_000)],
            vec![(b"k".to_vec(), 0)],
        )
        .unwrap();
        let f = of_log("fe.txt", b"fe.txt", &nine_hours_behind, vec![]).expect("a skew");
        assert_eq!(f.severity, Severity::Error);
        assert!(f.summary.contains("behind"), "{}", f.summary);
        let zone = crate::log_offset::estimate(
            vec![(b"k".to_vec(), 0)],
            vec![(b"k".to_vec(), 3600 * 1_000_000_000 + 2_350_000_000)],
        )
        .unwrap();
        assert_eq!(
            of_log("client.uccapilog", b"client.uccapilog", &zone, vec![]),
            None
        );
    }

    #[test]
    fn the_gateway_three_hours_behind() {
        let all = detect_all(&capture("sip-signalling.pcap"), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "the front end's Date agrees: {f:?}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(frames(f[0]), vec![20]);
        assert_eq!(
            f[0].summary,
            "10.10.10.5 dates its SIP messages 3 h 0 min behind the capture's clock (Date \"Thu, 26 Nov 2026 10:00:07 GMT\" in frame 20; 1 Date header)"
        );
        assert_eq!(human(-59), "59 s");
        assert_eq!(human(600), "10 min 0 s");
    }
}
