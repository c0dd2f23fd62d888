//! `mras`: the MRAS exchanges among the SIP messages — requests for media
//! relay credentials and their answers — each with where and when it was
//! seen. The bodies are those of `sip[].mras`, listed on their own so a
//! script finds which edge's credentials a client got (and when) without
//! walking every SIP message. The password is never written.

use std::borrow::Cow;

use serde::{Serialize, Serializer};

use super::json_sip::{sip_entry, sip_messages, MrasJson};
use edgecap_analyze::Analysis;

/// `mras`: serialised lazily, at most `limit` entries.
pub struct MrasArrayJson<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// Entries listed at most.
    pub limit: usize,
}

impl MrasArrayJson<'_> {
    /// Whether the capture carried no MRAS body (the key is then left out).
    pub fn is_empty(&self) -> bool {
        mras_entries(self.analysis).next().is_none()
    }
}

impl Serialize for MrasArrayJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(mras_entries(self.analysis).take(self.limit))
    }
}

/// One SIP message carrying an MRAS body.
#[derive(Serialize)]
pub struct MrasEntry<'a> {
    /// Completing frame of the SIP message.
    pub frame: u64,
    /// Its time.
    pub time: String,
    /// Sender.
    pub src: String,
    /// Receiver.
    pub dst: String,
    /// The SIP Call-ID.
    pub call_id: Option<Cow<'a, str>>,
    /// The SIP CSeq number (a request and its answer share it).
    pub cseq: Option<u32>,
    /// The SIP status of an answer (`200`, `504`, …).
    pub status: Option<u16>,
    /// The MRAS body.
    #[serde(flatten)]
    pub body: MrasJson,
}

/// Every entry of the `mras` array, in frame order. Only the messages
/// whose Content-Type is MRAS's are rendered (not every SIP message).
pub fn mras_entries(analysis: &Analysis) -> impl Iterator<Item = MrasEntry<'_>> {
    sip_messages(analysis)
        .filter(|(_, r)| r.msg.body_is(edgecap_sip::mras::CONTENT_TYPE))
        .filter_map(|(d, r)| {
            let e = sip_entry(analysis, d, r);
            let body = e.message.mras?;
            Some(MrasEntry {
                frame: e.frame,
                time: e.time,
                src: e.src,
                dst: e.dst,
                call_id: e.message.call_id,
                cseq: e.message.cseq,
                status: e.message.status,
                body,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::capture;
    use edgecap_analyze::AnalyzeOptions;

    #[test]
    fn the_sip_signalling_capture_lists_its_mras_request_and_answers() {
        let a = capture("sip-signalling.pcap", &AnalyzeOptions::default());
        let entries: Vec<_> = mras_entries(&a).collect();
        let requests = entries.iter().filter(|e| e.body.kind == "request").count();
        assert!(requests >= 1, "an MRAS request");
        // The same messages as the `sip` array's bodies, in frame order.
        let in_sip = crate::report::json_sip::sip_entries(&a)
            .filter(|e| e.message.mras.is_some())
            .count();
        assert_eq!(entries.len(), in_sip);
        assert!(entries.windows(2).all(|w| w[0].frame <= w[1].frame));
        let json = serde_json::to_string(&MrasArrayJson {
            analysis: &a,
            limit: 1,
        })
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(1), "the limit holds");
        assert!(!json.contains("password\":"), "{json}");
    }
}
