//! Everything that can change the TUI's state: key presses mapped by
//! [`super::keymap`], terminal resizes and the loader thread's messages.
//! [`super::update::update`] is the only code that applies them.

use super::loaded::Loaded;
use edgecap_analyze::LoadProgress;

/// One state change request.
#[derive(Debug)]
pub enum Action {
    /// Leave the program.
    Quit,
    /// Select the previous row (or scroll the detail up).
    Up,
    /// Select the next row (or scroll the detail down).
    Down,
    /// One page up.
    PageUp,
    /// One page down.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Focus the next pane.
    NextPane,
    /// Focus the previous pane.
    PrevPane,
    /// Drill into the selection (finding → ladder, flow group → ladder, ladder → detail).
    Enter,
    /// Close the help, or go back to where Enter came from.
    Back,
    /// Cycle the time column: absolute → relative → delta.
    CycleTime,
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Scroll the ladder's lanes (or the detail) left.
    Left,
    /// Scroll the ladder's lanes (or the detail) right.
    Right,
    /// Open the search line (`/`).
    SearchStart,
    /// A character typed into the search line.
    SearchChar(char),
    /// Backspace in the search line.
    SearchBackspace,
    /// Enter in the search line: keep the query for `n` / `N`.
    SearchDone,
    /// Esc in the search line: drop the query.
    SearchCancel,
    /// Next row matching the search.
    NextMatch,
    /// Previous row matching the search.
    PrevMatch,
    /// Open the go-to-frame line (`:` or `g`).
    GotoStart,
    /// A character typed into the go-to line (digits; `g` on an empty line
    /// goes to the first row, `G` to the last).
    GotoChar(char),
    /// Backspace in the go-to line.
    GotoBackspace,
    /// Enter in the go-to line: select the row of that frame.
    GotoDone,
    /// Esc in the go-to line.
    GotoCancel,
    /// The selected finding's next evidence frame (`]`).
    NextEvidence,
    /// The selected finding's previous evidence frame (`[`).
    PrevEvidence,
    /// Follow the selected row's flow: show only its rows, or all rows
    /// again when already following it (`F`).
    FollowFlow,
    /// Open the quick-filter menu (`f`).
    FilterMenu,
    /// Open or close the sessions view (`s`).
    Sessions,
    /// Sort the flows pane by the next column (`o`).
    SortNext,
    /// Reverse the flows pane's order (`r`).
    SortReverse,
    /// Export the visible ladder as text and Mermaid (`e`).
    Export,
    /// A mouse click at (column, row).
    Click(u16, u16),
    /// The wheel turned over (column, row): `true` = down.
    Wheel(u16, u16, bool),
    /// The run loop re-read the frames of a ladder row.
    HexLoaded(usize, Result<Vec<super::hexdump::HexLine>, String>),
    /// The run loop wrote the export (paths) or failed (message).
    Exported(Result<String, String>),
    /// The terminal now has this size (columns, rows).
    Resize(u16, u16),
    /// The loader has read this far.
    Progress(LoadProgress),
    /// Loading finished.
    Loaded(Box<Loaded>),
    /// Loading failed; the message is shown (already escaped).
    LoadFailed(String),
    /// A live capture's new snapshot (see [`super::live`]).
    Live(Box<Loaded>, super::live::LiveStatus),
}
