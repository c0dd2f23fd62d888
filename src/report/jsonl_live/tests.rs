//! The live lines of a tick: ended flows, decided allocation outcomes once
//! each (the undecided ones at the end), newly certain findings, and at the
//! end the `capture` line and an `end` line that counts what was written.

use super::*;
use crate::test_util::diagnosed;
use edgecap_net::FlowId;
use serde_json::Value;

fn tick(name: &str, newly: Vec<usize>, ended: Vec<FlowId>, done: bool) -> Tick {
    let (analysis, diagnosis) = diagnosed(name);
    let n = diagnosis.findings.len();
    Tick {
        analysis,
        diagnosis,
        newly_certain: newly,
        certain: vec![done; n],
        pending: 0,
        ended,
        done,
    }
}

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect()
}

fn kinds(lines: &[Value]) -> Vec<&str> {
    lines
        .iter()
        .map(|l| l["type"].as_str().expect("type"))
        .collect()
}

#[test]
fn outcomes_are_written_once_when_decided_and_the_end_counts_them() {
    let name = "coturn-loopback.pcap";
    let mut w = LiveLines::default();
    let mut out = Vec::new();
    let t = tick(name, vec![0], vec![FlowId(1)], false);
    let decided = super::super::stories_in_order(&t.analysis)
        .iter()
        .filter(|s| {
            matches!(
                s.outcome,
                AllocationOutcome::Allocated { .. } | AllocationOutcome::Failed { .. }
            )
        })
        .count();
    let all = t.analysis.proto.allocations.len();
    assert!(decided > 0 && decided < all, "{decided} of {all}");
    w.write_tick(&t, &mut out).expect("written");
    let first = lines(&out);
    let k = kinds(&first);
    assert_eq!(k.iter().filter(|&&k| k == "allocation").count(), decided);
    assert_eq!(k.iter().filter(|&&k| k == "flow").count(), 1);
    assert_eq!(first[0]["flow"]["id"], 1);
    assert_eq!(k.last(), Some(&"finding"));
    assert_eq!(
        first.last().expect("a line")["finding"]["id"],
        t.diagnosis.findings[0].id
    );

    // The same state again: nothing new. Then the end: the undecided
    // stories, the capture and the counts.
    out.clear();
    w.write_tick(&tick(name, vec![], vec![], false), &mut out)
        .expect("written");
    assert!(out.is_empty());
    w.write_tick(&tick(name, vec![], vec![], true), &mut out)
        .expect("written");
    let end = lines(&out);
    assert_eq!(
        kinds(&end)[..all - decided],
        vec!["allocation"; all - decided][..]
    );
    assert_eq!(kinds(&end)[all - decided..], ["capture", "end"]);
    let counts = &end.last().expect("end")["end"];
    assert_eq!(counts["allocation"], all);
    assert_eq!(counts["flow"], 1);
    assert_eq!(counts["finding"], 1);
}
