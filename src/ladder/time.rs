//! The ladder's time column: how a row's capture time is written (time of
//! day, seconds since the first frame, or seconds since the previous row),
//! shared by the TUI and `edgecap ladder`.

use super::{Index, LadderRow};
use edgecap_capture::Timestamp;

/// How the ladder's time column is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// Time of day (UTC).
    Absolute,
    /// Seconds since the first frame.
    Relative,
    /// Seconds since the previous row.
    Delta,
}

impl TimeFormat {
    /// The next mode in the TUI's `t` cycle.
    pub fn next(self) -> TimeFormat {
        match self {
            TimeFormat::Absolute => TimeFormat::Relative,
            TimeFormat::Relative => TimeFormat::Delta,
            TimeFormat::Delta => TimeFormat::Absolute,
        }
    }

    /// Column header.
    pub fn title(self) -> &'static str {
        match self {
            TimeFormat::Absolute => "time (UTC)",
            TimeFormat::Relative => "time (s)",
            TimeFormat::Delta => "delta (s)",
        }
    }
}

/// The time column texts of `rows`, shown one after the other; a delta is
/// from the previous row with a time (`before`: the last time shown above
/// the first of them).
pub fn time_column<'a>(
    index: &Index,
    rows: impl IntoIterator<Item = &'a LadderRow>,
    before: Option<Timestamp>,
    mode: TimeFormat,
) -> Vec<String> {
    let mut prev = before;
    rows.into_iter()
        .map(|r| {
            let t = format_time(index, r.ts, prev, mode);
            prev = r.ts.or(prev);
            t
        })
        .collect()
}

/// The time column text of a row at `ts`, `prev` being the time of the row
/// shown before it (for [`TimeFormat::Delta`]); `?` when the row has no time.
pub fn format_time(
    index: &Index,
    ts: Option<Timestamp>,
    prev: Option<Timestamp>,
    mode: TimeFormat,
) -> String {
    let Some(ts) = ts else {
        return "?".to_string();
    };
    match mode {
        TimeFormat::Absolute => {
            let s = ts.to_string();
            s.get(11..23).unwrap_or(&s).to_string()
        }
        TimeFormat::Relative => {
            let start = index.first_ts.unwrap_or(ts);
            format!("{:.6}", ts.seconds_since(start))
        }
        TimeFormat::Delta => match prev {
            Some(p) => format!("{:+.6}", ts.seconds_since(p)),
            None => "+0.000000".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::{Outcome, RowSource};
    use edgecap_capture::FrameNo;
    use edgecap_net::FlowId;

    fn row(ts: Option<i64>) -> LadderRow {
        LadderRow {
            frame: FrameNo(1),
            first_frame: FrameNo(1),
            ts: ts.map(|ms| Timestamp(ms * 1_000_000)),
            from: 0,
            to: 1,
            label: String::new(),
            outcome: Outcome::Neutral,
            flow: FlowId(0),
            source: RowSource::Message(0),
        }
    }

    #[test]
    fn the_three_modes_and_rows_without_time() {
        let index = Index {
            rows: vec![row(Some(1_000)), row(None), row(Some(3_500))],
            first_ts: Some(Timestamp(0)),
            ..Index::default()
        };
        let all = |m| time_column(&index, &index.rows, None, m);
        assert_eq!(
            all(TimeFormat::Absolute),
            ["00:00:01.000", "?", "00:00:03.500"]
        );
        assert_eq!(all(TimeFormat::Relative), ["1.000000", "?", "3.500000"]);
        assert_eq!(all(TimeFormat::Delta), ["+0.000000", "?", "+2.500000"]);
        let later = time_column(
            &index,
            &index.rows[2..],
            Some(Timestamp(0)),
            TimeFormat::Delta,
        );
        assert_eq!(later, ["+3.500000"]);
        assert_eq!(TimeFormat::Delta.next(), TimeFormat::Absolute);
    }
}
