//! The live driver behind `edgecap summary --follow` and the live timeline:
//! a thread reads frames (a followed file or a pipe, both of which block
//! while the capture is quiet) and hands copies over a bounded queue to the
//! analysing loop, which feeds the [`LiveAnalysis`] and, at ticks, takes a
//! snapshot, diagnoses it and passes the result — with the findings that
//! just became certain and the flows that ended — to the consumer.
//!
//! Ticks stay linear in total: a snapshot and its diagnosis cost time in
//! proportion to the analysis so far, so the next tick comes no sooner than
//! [`TICK`] and no sooner than [`TICK_COST_FACTOR`] times the last tick's
//! own cost after it ended — at most a third of the time goes to ticks, and
//! the frames keep flowing in between. A tick happens only when frames arrived since the last one
//! (and once at the start).
//! When the input ends (or the stop flag is raised) the capture is
//! finished as the batch engine finishes it, and the last tick carries the
//! final analysis, on which every remaining finding is certain.

use edgecap_analyze::live::{Certainty, LiveAnalysis};
use edgecap_analyze::{diagnose, Analysis, AnalyzeOptions, Diagnosis, EdgeConfig};
use edgecap_capture::{
    CaptureReader, CaptureWarning, Frame, FrameNo, LinkType, StopFlag, Timestamp,
};
use edgecap_net::FlowId;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

/// The shortest time between two ticks: half the live views' latency
/// target (a packet on screen within 200 ms of its arrival), leaving the
/// other half to the file poll (`edgecap_capture::FOLLOW_POLL`) and the
/// screen's redraw.
pub const TICK: Duration = Duration::from_millis(100);

/// The next tick waits at least this many times the last tick's cost, so
/// that ticks take at most a third of the analysing thread's time (their
/// cost grows with the analysis; the frames in between do not).
pub const TICK_COST_FACTOR: u32 = 2;

/// Frames in flight between the reading thread and the analysing loop:
/// the reader waits when the analysis falls this far behind, so memory
/// stays at most this many frames of at most 256 KiB
/// (`edgecap_capture::reader`'s block bound for real packets).
pub const FRAME_QUEUE: usize = 1024;

/// How long the loop still drains frames already read after a stop (a
/// followed file: up to its current end) before it finishes.
pub const STOP_GRACE: Duration = Duration::from_secs(1);

/// A frame copied out of the reader's buffer.
struct OwnedFrame {
    no: FrameNo,
    ts: Timestamp,
    link: LinkType,
    data: Vec<u8>,
    orig_len: u32,
}

impl OwnedFrame {
    fn frame(&self) -> Frame<'_> {
        Frame {
            no: self.no,
            ts: self.ts,
            link: self.link,
            data: &self.data,
            orig_len: self.orig_len,
        }
    }
}

/// What the reading thread sends.
enum Feed {
    Frame(OwnedFrame),
    /// The input ended: the reader's final facts.
    End(Vec<LinkType>, Vec<CaptureWarning>),
}

/// One update for the consumer.
pub struct Tick {
    /// The analysis so far (the final one when `done`).
    pub analysis: Analysis,
    /// Its diagnosis.
    pub diagnosis: Diagnosis,
    /// Indexes into `diagnosis.findings` of the findings certain since the
    /// last tick.
    pub newly_certain: Vec<usize>,
    /// Which of `diagnosis.findings` are certain (all of them when `done`).
    pub certain: Vec<bool>,
    /// Findings waiting to become certain.
    pub pending: usize,
    /// Flows whose payload ended since the last tick.
    pub ended: Vec<FlowId>,
    /// True for the last tick: the capture ended.
    pub done: bool,
}

/// What the consumer says after a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Keep going.
    Continue,
    /// Stop reading and finish (the output went away, the user quit).
    Stop,
}

/// Runs `reader` live (see the module docs) until its input ends or `stop`
/// is raised, calling `on_tick` at each tick and once at the end (with
/// `done`, the final analysis).
pub fn run(
    mut reader: CaptureReader,
    name: &[u8],
    opts: &AnalyzeOptions,
    edge: &EdgeConfig,
    stop: &StopFlag,
    on_tick: &mut dyn FnMut(Tick) -> Next,
) {
    let mut live = LiveAnalysis::new(name, reader.format(), reader.is_compressed(), opts);
    let (tx, rx) = mpsc::sync_channel(FRAME_QUEUE);
    // The reading thread ends when its input does, or when the loop has
    // gone (its send fails); a pipe that never ends keeps it blocked in a
    // read until the process exits.
    thread::spawn(move || {
        while let Some(f) = reader.next_frame() {
            let owned = OwnedFrame {
                no: f.no,
                ts: f.ts,
                link: f.link,
                data: f.data.to_vec(),
                orig_len: f.orig_len,
            };
            if tx.send(Feed::Frame(owned)).is_err() {
                return;
            }
        }
        let _ = tx.send(Feed::End(
            reader.link_types().to_vec(),
            reader.warnings().to_vec(),
        ));
    });
    let mut certainty = Certainty::default();
    let mut due = Instant::now() + TICK;
    // The first tick comes even before any frame: a live view shows that
    // the capture is open and waiting.
    let mut dirty = true;
    let mut stopped_at: Option<Instant> = None;
    let end = loop {
        let now = Instant::now();
        let wait = if let Some(at) = stopped_at {
            (at + STOP_GRACE).saturating_duration_since(now)
        } else if dirty {
            due.saturating_duration_since(now)
        } else {
            TICK
        };
        match rx.recv_timeout(wait) {
            Ok(Feed::Frame(f)) => {
                live.push(&f.frame());
                dirty = true;
                // Take the rest of a burst before a tick shows it (at most
                // a queue's worth, so that ticks go on under any load).
                let mut ended = None;
                for _ in 0..FRAME_QUEUE {
                    match rx.try_recv() {
                        Ok(Feed::Frame(f)) => live.push(&f.frame()),
                        Ok(Feed::End(links, warnings)) => {
                            ended = Some(Some((links, warnings)));
                            break;
                        }
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => {
                            ended = Some(None);
                            break;
                        }
                    }
                }
                if let Some(end) = ended {
                    break end;
                }
            }
            Ok(Feed::End(links, warnings)) => break Some((links, warnings)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break None,
        }
        if stopped_at.is_none() && stop.load(Ordering::Acquire) {
            stopped_at = Some(Instant::now());
        }
        if stopped_at.is_some_and(|at| at.elapsed() >= STOP_GRACE) {
            break None;
        }
        if dirty && stopped_at.is_none() && Instant::now() >= due {
            let started = Instant::now();
            let analysis = live.snapshot();
            let diagnosis = diagnose(&analysis, edge);
            let now_ts = live.now().unwrap_or(Timestamp(0));
            let newly = certainty.update(&diagnosis.findings, now_ts);
            let ended = live.take_ended();
            let next = on_tick(Tick {
                certain: certain_flags(&certainty, &diagnosis),
                pending: certainty.pending(),
                analysis,
                diagnosis,
                newly_certain: newly,
                ended,
                done: false,
            });
            dirty = false;
            let cost = started.elapsed();
            due = Instant::now() + (cost * TICK_COST_FACTOR).max(TICK);
            if next == Next::Stop {
                stop.store(true, Ordering::Release);
                break None;
            }
        }
    };
    let (analysis, ended) = live.finish(end);
    let diagnosis = diagnose(&analysis, edge);
    let newly = certainty.finish(&diagnosis.findings);
    on_tick(Tick {
        certain: vec![true; diagnosis.findings.len()],
        pending: 0,
        analysis,
        diagnosis,
        newly_certain: newly,
        ended,
        done: true,
    });
}

fn certain_flags(certainty: &Certainty, diagnosis: &Diagnosis) -> Vec<bool> {
    diagnosis
        .findings
        .iter()
        .map(|f| certainty.is_certain(f))
        .collect()
}
