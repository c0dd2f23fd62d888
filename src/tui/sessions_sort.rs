//! The sessions view's order, like the flows pane's ([`super::flows_sort`]):
//! by default the sessions as listed (allocations, then calls, each by first
//! frame, numbered by the `#` column), or sorted by one of the view's
//! columns (`o` cycles it, `r` reverses; [`on_key`]). The `#` number stays
//! the session's own, so a sorted row is still the same session. Sorting is
//! `n log n` in the sessions, done once per key press or snapshot, never per
//! frame drawn.

use std::cmp::Ordering;
use std::net::SocketAddr;

use edgecap_capture::FrameNo;

use super::app::App;
use super::loaded::Loaded;
use super::sessions::{Session, SessionState};

/// What the sessions view is sorted by: one of its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionKey {
    /// The session's number (`#`): allocations, then calls, by first frame.
    #[default]
    Number,
    /// `udp`, `tcp` or `call`.
    Kind,
    /// The client's address (or the call's From).
    Client,
    /// The edge's address (or the call's To).
    Edge,
    /// Failed first, then unanswered, then successful.
    State,
    /// The relayed address.
    Relayed,
    /// The first frame.
    Frame,
    /// Sessions with errors first, by their error text.
    Errors,
}

impl SessionKey {
    /// Every key, in the order `o` cycles through them (the columns' order).
    pub const ALL: [SessionKey; 8] = [
        SessionKey::Number,
        SessionKey::Kind,
        SessionKey::Client,
        SessionKey::Edge,
        SessionKey::State,
        SessionKey::Relayed,
        SessionKey::Frame,
        SessionKey::Errors,
    ];

    /// The key after this one (wrapping).
    pub fn next(self) -> SessionKey {
        let i = self.column();
        SessionKey::ALL[(i + 1) % SessionKey::ALL.len()]
    }

    /// The view's column this key sorts (index into its titles).
    pub fn column(self) -> usize {
        SessionKey::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    /// The name shown in the view's title.
    pub fn name(self) -> &'static str {
        match self {
            SessionKey::Number => "#",
            SessionKey::Kind => "kind",
            SessionKey::Client => "client",
            SessionKey::Edge => "edge",
            SessionKey::State => "state",
            SessionKey::Relayed => "relayed",
            SessionKey::Frame => "frame",
            SessionKey::Errors => "errors",
        }
    }
}

/// The sessions view's order: the key, its direction and the sessions
/// (indices into [`Loaded::sessions`]) in the order drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionOrder {
    /// Sorted by.
    pub key: SessionKey,
    /// Descending.
    pub reverse: bool,
    /// Indices into `Loaded::sessions`, in order.
    pub items: Vec<usize>,
}

impl SessionOrder {
    /// The order of `loaded`'s sessions by `key`, reversed when `reverse`.
    pub fn new(loaded: &Loaded, key: SessionKey, reverse: bool) -> SessionOrder {
        SessionOrder {
            key,
            reverse,
            items: items(&loaded.sessions, key, reverse),
        }
    }

    /// The arrow after the sorted column's title and in the view's title.
    pub fn arrow(&self) -> &'static str {
        if self.reverse {
            "▼"
        } else {
            "▲"
        }
    }

    /// The title part: `by state ▲`.
    pub fn describe(&self) -> String {
        format!("by {} {}", self.key.name(), self.arrow())
    }
}

/// The address an address column starts with (`10.3.0.34:443 internal
/// edge`, `2.2.2.2:58138, …`), so that addresses sort as addresses, not text.
fn leading_addr(text: &str) -> Option<SocketAddr> {
    text.split([' ', ',']).next()?.parse().ok()
}

fn state_rank(s: SessionState) -> usize {
    match s {
        SessionState::Failed => 0,
        SessionState::Unanswered => 1,
        SessionState::Success => 2,
    }
}

/// The sort key of one session for `key`, computed once per sort.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Value<'a> {
    Number(usize),
    Frame(FrameNo),
    /// Texts not starting with an address (URIs, `-`) first, then by address.
    Text(Option<SocketAddr>, &'a str),
    /// No error (`true`) after every error.
    Errors(bool, &'a str),
}

fn value(s: &Session, k: usize, key: SessionKey) -> Value<'_> {
    let text = |t| Value::Text(leading_addr(t), t);
    match key {
        SessionKey::Number => Value::Number(k),
        SessionKey::Kind => Value::Text(None, &s.kind),
        SessionKey::Client => text(&s.client),
        SessionKey::Edge => text(&s.server),
        SessionKey::State => Value::Number(state_rank(s.state)),
        SessionKey::Relayed => text(&s.relayed),
        SessionKey::Frame => Value::Frame(s.first_frame),
        SessionKey::Errors => Value::Errors(s.errors == "-", &s.errors),
    }
}

fn items(sessions: &[Session], key: SessionKey, reverse: bool) -> Vec<usize> {
    let values: Vec<Value> = sessions
        .iter()
        .enumerate()
        .map(|(k, s)| value(s, k, key))
        .collect();
    let mut order: Vec<usize> = (0..sessions.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let o: Ordering = values[a].cmp(&values[b]).then(a.cmp(&b));
        if reverse {
            o.reverse()
        } else {
            o
        }
    });
    order
}

/// `o` (next sort column) and `r` (reverse) in the sessions view; the
/// selection stays on the same session.
pub fn on_key(app: &mut App, next_key: bool) {
    let (key, reverse) = (app.session_order.key, app.session_order.reverse);
    let (key, reverse) = if next_key {
        (key.next(), false)
    } else {
        (key, !reverse)
    };
    let selected = app.session_order.items.get(app.sessions.selected).copied();
    let Some(l) = app.loaded() else { return };
    let order = SessionOrder::new(l, key, reverse);
    app.sessions.selected = selected
        .and_then(|s| order.items.iter().position(|&i| i == s))
        .unwrap_or(0);
    app.session_order = order;
}

#[cfg(test)]
mod tests;
