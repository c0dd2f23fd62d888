//! The text form of one TURN allocation story: a header line with the
//! outcome, then one compact line per step, in frame order, for example
//!
//! ```text
//! udp 127.0.0.1:52261 → 127.0.0.1:3478  allocated 127.0.0.1:50040 (frame 4)
//!   frame 1  Allocate request (anonymous, lifetime 777 s)
//!   frame 2  401 Unauthorized  realm "edgecap.test"
//! ```
//!
//! Strings are re-read from the STUN message of the step and escaped with
//! [`edgecap_core::safe`]; nothing from the capture reaches the terminal raw.

use std::borrow::Cow;
use std::fmt::Write;
use std::net::SocketAddr;

use edgecap_analyze::Analysis;
use edgecap_core::safe::{escape, escape_bytes, text_or_hex, HEX_PREFIX};
use edgecap_proto::stun::{error_name, Method};
use edgecap_proto::{
    AllocationOutcome, AllocationStep, AllocationStory, StepKind, StunRecord, TrafficKind,
};

/// The outcome text of the header line.
pub fn outcome_text(o: &AllocationOutcome) -> String {
    match o {
        AllocationOutcome::Allocated { frame, relayed } => match relayed {
            Some(r) => format!("allocated {r} (frame {frame})"),
            None => format!("allocated (frame {frame})"),
        },
        AllocationOutcome::Failed { frame, code } => match error_name(*code) {
            "" => format!("failed: {code} (frame {frame})"),
            name => format!("failed: {code} {name} (frame {frame})"),
        },
        AllocationOutcome::ChallengeNotAnswered { frame } => {
            format!("challenge not answered (frame {frame})")
        }
        AllocationOutcome::NoResponse { frame } => {
            format!("no response to Allocate (frame {frame})")
        }
        AllocationOutcome::NoAllocate => "no Allocate seen".to_string(),
    }
}

fn quoted<'a>(
    record: Option<&'a StunRecord>,
    from_msg: impl Fn(&'a StunRecord) -> Option<&'a [u8]>,
    fallback: Option<&'a String>,
) -> Option<Cow<'a, str>> {
    match record.and_then(from_msg) {
        Some(b) => Some(escape_bytes(b)),
        None => fallback.map(|s| escape(s)),
    }
}

fn addr(a: &Option<SocketAddr>) -> String {
    a.map_or_else(|| "?".to_string(), |a| a.to_string())
}

fn lifetime(l: Option<u32>) -> String {
    match l {
        Some(0) => "  lifetime 0 (delete)".to_string(),
        Some(l) => format!("  lifetime {l} s"),
        None => String::new(),
    }
}

fn traffic_total(story: &AllocationStory, kind: TrafficKind, peer: Option<SocketAddr>) -> String {
    match story
        .traffic
        .iter()
        .find(|t| t.kind == kind && t.peer == peer)
    {
        Some(t) if t.count > 1 => format!(
            "  ({} in all, frames {}-{})",
            t.count, t.first_frame, t.last_frame
        ),
        _ => String::new(),
    }
}

/// The text of one step (without the frame column).
pub fn step_text(analysis: &Analysis, story: &AllocationStory, s: &AllocationStep) -> String {
    let record = super::step_record(analysis, s);
    let mut line = match &s.kind {
        StepKind::AllocateRequest {
            authenticated,
            username,
            lifetime: l,
        } => {
            if *authenticated {
                let mut t = "Allocate request".to_string();
                // As the JSON and `--credential` write it: text, or `hex:`
                // for a binary MS-TURN USERNAME.
                let user = match record.and_then(|r| r.msg.username()) {
                    Some(b) => Some(text_or_hex(b)),
                    None => username.as_ref().map(|u| escape(u)),
                };
                match user {
                    Some(u) if u.starts_with(HEX_PREFIX) => {
                        let _ = write!(t, "  user {u}");
                    }
                    Some(u) => {
                        let _ = write!(t, "  user \"{u}\"");
                    }
                    None => {}
                }
                t + &lifetime(*l)
            } else {
                match l {
                    Some(l) => format!("Allocate request (anonymous, lifetime {l} s)"),
                    None => "Allocate request (anonymous)".to_string(),
                }
            }
        }
        StepKind::Challenge {
            method,
            code,
            realm,
            nonce: _,
        } => {
            let reason = record
                .and_then(|r| r.msg.error_reason())
                .map_or(Cow::Borrowed(error_name(*code)), escape_bytes);
            let mut t = if *method == Method::Allocate {
                format!("{code} {reason}")
            } else {
                format!("{} {code} {reason}", method.name())
            };
            if let Some(r) = quoted(record, |r| r.msg.realm(), realm.as_ref()) {
                // MS-TURN realms carry their own quotes ("rtcmedia").
                if r.len() >= 2 && r.starts_with('"') && r.ends_with('"') {
                    let _ = write!(t, "  realm {r}");
                } else {
                    let _ = write!(t, "  realm \"{r}\"");
                }
            }
            t
        }
        StepKind::AllocateSuccess {
            relayed,
            reflexive,
            lifetime: l,
        } => format!(
            "Allocate success  relayed {}  reflexive {}{}",
            addr(relayed),
            addr(reflexive),
            lifetime(*l)
        ),
        StepKind::Refresh { lifetime: l } => format!("Refresh request{}", lifetime(*l)),
        StepKind::CreatePermission { peers } => {
            let p: Vec<String> = peers.iter().map(|p| p.to_string()).collect();
            format!("CreatePermission request  peers {}", p.join(", "))
        }
        StepKind::ChannelBind { channel, peer } => format!(
            "ChannelBind request  channel {}  peer {}",
            channel.map_or_else(|| "?".to_string(), |c| format!("0x{c:04x}")),
            addr(peer)
        ),
        StepKind::SendIndication { peer } => format!(
            "Send indication  peer {}{}",
            addr(peer),
            traffic_total(story, TrafficKind::SendIndication, *peer)
        ),
        StepKind::DataIndication { peer } => format!(
            "Data indication  peer {}{}",
            addr(peer),
            traffic_total(story, TrafficKind::DataIndication, *peer)
        ),
        StepKind::MsSend { destination } => format!(
            "Send request (MS-TURN)  destination {}{}",
            addr(destination),
            traffic_total(story, TrafficKind::MsSend, *destination)
        ),
        StepKind::SetActiveDestination { destination } => format!(
            "Set Active Destination request  destination {}",
            addr(destination)
        ),
        StepKind::MsDataIndication { remote } => format!(
            "Data Indication (MS-TURN)  remote {}{}",
            addr(remote),
            traffic_total(story, TrafficKind::MsDataIndication, *remote)
        ),
        StepKind::Success {
            method,
            lifetime: l,
        } => format!("{} success{}", method.name(), lifetime(*l)),
        StepKind::Error {
            method,
            code,
            reason,
        } => {
            let reason = record
                .and_then(|r| r.msg.error_reason())
                .map_or_else(|| escape(reason), escape_bytes);
            format!("{} error {code} {reason}", method.name())
        }
    };
    if s.retransmissions > 0 {
        let _ = write!(line, "  (retransmitted {}×)", s.retransmissions);
    }
    if s.unanswered {
        line.push_str("  no response");
    }
    line
}

/// Appends the story: header line, then at most `max_steps` steps (0 = all)
/// and a "… N more steps" line.
pub fn render_story(
    out: &mut String,
    analysis: &Analysis,
    story: &AllocationStory,
    max_steps: usize,
) {
    let _ = writeln!(
        out,
        "{} {} → {}  {}",
        story.transport.as_str(),
        story.client,
        story.server,
        outcome_text(&story.outcome)
    );
    let shown = if max_steps == 0 {
        story.steps.len()
    } else {
        story.steps.len().min(max_steps)
    };
    let width = story.steps[..shown]
        .iter()
        .map(|s| s.frame.to_string().len())
        .max()
        .unwrap_or(1);
    for s in &story.steps[..shown] {
        let _ = writeln!(
            out,
            "  frame {:<width$}  {}",
            s.frame.0,
            step_text(analysis, story, s)
        );
    }
    let more = (story.steps.len() - shown) as u64 + story.dropped_steps;
    if more > 0 {
        let _ = writeln!(out, "  … {more} more steps (--max-steps 0 shows all)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{coturn, hostile};
    use edgecap_analyze::AnalyzeOptions;
    use edgecap_core::safe::is_unsafe_char;

    fn story_of(a: &Analysis, first_frame: u64, max_steps: usize) -> String {
        let s = super::super::stories_in_order(a)
            .into_iter()
            .find(|s| s.steps.first().is_some_and(|st| st.frame.0 == first_frame))
            .expect("story");
        let mut out = String::new();
        render_story(&mut out, a, s, max_steps);
        out
    }

    #[test]
    fn coturn_udp_story() {
        let a = coturn(&AnalyzeOptions::default());
        assert_eq!(
            story_of(&a, 1, 40),
            "udp 127.0.0.1:52261 → 127.0.0.1:3478  allocated 127.0.0.1:50040 (frame 4)\n\
             \x20 frame 1  Allocate request (anonymous, lifetime 777 s)\n\
             \x20 frame 2  401 Unauthorized  realm \"edgecap.test\"\n\
             \x20 frame 3  Allocate request  user \"alice\"  lifetime 777 s\n\
             \x20 frame 4  Allocate success  relayed 127.0.0.1:50040  reflexive 127.0.0.1:52261  lifetime 777 s\n\
             \x20 frame 5  Refresh request  lifetime 777 s\n\
             \x20 frame 6  Refresh success  lifetime 777 s\n"
        );
    }

    #[test]
    fn long_stories_are_cut() {
        let a = coturn(&AnalyzeOptions::default());
        let s = story_of(&a, 87, 4);
        assert_eq!(s.lines().count(), 1 + 4 + 1, "{s}");
        assert!(s.starts_with("udp 127.0.0.1:40515 → 127.0.0.1:3478  challenge not answered"));
        assert!(
            s.ends_with("  … 60 more steps (--max-steps 0 shows all)\n"),
            "{s}"
        );
        assert_eq!(story_of(&a, 87, 0).lines().count(), 65);
        let tcp = story_of(&a, 55, 0);
        assert!(
            tcp.contains(
                "  frame 74  Send indication  peer 127.0.0.1:3480  (2 in all, frames 74-79)\n"
            ),
            "{tcp}"
        );
        assert!(
            tcp.contains("  frame 83  Refresh request  lifetime 0 (delete)\n"),
            "{tcp}"
        );
    }

    #[test]
    fn hostile_strings_are_escaped() {
        let a = hostile();
        let s = story_of(&a, 1, 40);
        assert!(!s.chars().any(|c| c != '\n' && is_unsafe_char(c)), "{s:?}");
        // A USERNAME with control characters is written as `--credential`
        // takes it (and the JSON has it): hex.
        let user = edgecap_core::safe::hex(b"\x1b[31mroot\x1b]8;;http://x/\x07");
        assert!(s.contains(&format!("user hex:{user}\n")), "{s}");
        assert!(s.contains("realm \"re\\u{202e}alm\\x08\\u{9b}2J\""), "{s}");
        assert!(s.contains("Allocate error 403 bad\\xff\\x1b[2J"), "{s}");
        assert!(
            s.starts_with(
                "udp 127.0.0.1:50000 → 127.0.0.1:3478  failed: 403 Forbidden (frame 4)\n"
            ),
            "{s}"
        );
    }
}
