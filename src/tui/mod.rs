//! The interactive timeline (`edgecap FILE`): ratatui + crossterm.
//!
//! State → action → update → render: [`keymap`] maps keys to [`Action`]s,
//! [`update::update`] is the only mutator of the [`App`], and [`view`]
//! draws from it without I/O or decoding; I/O that update asks for (frame
//! re-reads, exports) runs here in the loop ([`effects`]). Loading runs on its own thread
//! ([`loader`]) and reports progress over a channel, so the UI stays
//! responsive and `q` / Ctrl-C quit at any moment. The terminal is restored
//! on every exit path, including a panic on the UI thread.

pub mod action;
pub mod app;
pub mod detail_text;
pub mod effects;
pub mod flows_sort;
pub mod hexdump;
pub mod keymap;
pub mod layout;
pub mod live;
pub mod loaded;
pub mod loader;
pub mod locate;
pub mod sessions;
pub mod sessions_sort;
pub mod theme;
pub mod update;
pub mod update_sessions;
pub mod view;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_interaction;
#[cfg(test)]
mod tests_navigation;
#[cfg(test)]
mod tests_sessions;

pub use action::Action;
pub use app::{App, Pane, TimeMode};
pub use loaded::Loaded;
pub use update::update;
pub use view::Screen;

use std::io::{self, stdout, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use edgecap_analyze::AnalyzeOptions;
use edgecap_analyze::EdgeConfig;

/// How long one wait for a key lasts before loader messages are drained.
const TICK: Duration = Duration::from_millis(50);

/// What the TUI needs from the command line.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    /// Analysis options (credentials).
    pub analyze: AnalyzeOptions,
    /// Ports and role overrides.
    pub edge: EdgeConfig,
    /// Colours allowed (false under NO_COLOR or `--color never`).
    pub color: bool,
    /// Where exports go (`--export-dir`; the current directory when `None`).
    pub export_dir: Option<PathBuf>,
    /// Logs read beside the capture, whose messages join the ladder.
    pub logs: Vec<PathBuf>,
    /// Follow the file as it grows (`--follow`; standard input is always
    /// live), see [`live`].
    pub follow: bool,
}

/// Restores the terminal: leaves raw mode and the alternate screen.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Restores the terminal before the default panic message, for panics on
/// the UI thread (the loader reports its own panics as a load failure).
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some(loader::LOADER_THREAD) {
            restore();
            previous(info);
        }
    }));
}

/// Runs the interactive timeline on `path` (`-` = standard input) and
/// returns the exit code: 0 after a normal quit, 2 when the capture could
/// not be opened or the terminal could not be set up.
pub fn run(path: &Path, opts: TuiOptions) -> ExitCode {
    let name = path.display().to_string();
    let shown = edgecap_core::safe::escape_path(path);
    if !io::stdout().is_terminal() {
        eprintln!(
            "edgecap: the interactive timeline needs a terminal; \
             run `edgecap summary {shown}` for the batch summary"
        );
        return ExitCode::from(crate::exit::ERROR);
    }
    let total_bytes = if name == "-" {
        None
    } else {
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => Some(m.len()),
            Ok(_) => None,
            Err(e) => {
                eprintln!("edgecap: {shown}: cannot open: {e}");
                return ExitCode::from(crate::exit::ERROR);
            }
        }
    };
    let (tx, rx) = mpsc::channel();
    let live = opts.follow || name == "-";
    let stop = edgecap_capture::StopFlag::default();
    let spawned = if live {
        live::spawn(
            PathBuf::from(path),
            opts.analyze,
            opts.edge,
            tx,
            stop.clone(),
        )
    } else {
        loader::spawn(PathBuf::from(path), opts.logs, opts.analyze, opts.edge, tx)
    };
    if let Err(e) = spawned {
        eprintln!("edgecap: cannot start the loader: {e}");
        return ExitCode::from(crate::exit::ERROR);
    }
    install_panic_hook();
    let result = enable_raw_mode()
        .and_then(|()| execute!(stdout(), EnterAlternateScreen, EnableMouseCapture))
        .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())))
        .and_then(|mut terminal| {
            let size = terminal.size()?;
            let mut app = App::new(&name, total_bytes, opts.color, (size.width, size.height));
            let export_dir = match &opts.export_dir {
                Some(dir) => dir.clone(),
                None => std::env::current_dir().unwrap_or_default(),
            };
            let mut ctx = effects::EffectContext::new(path.to_path_buf(), export_dir);
            event_loop(&mut terminal, &mut app, &rx, &mut ctx).map(|()| app)
        });
    restore();
    // A live loader stops reading (a followed file at its current end).
    stop.store(true, std::sync::atomic::Ordering::Release);
    match result {
        Ok(app) => match app.load {
            app::LoadState::Failed(msg) => {
                eprintln!("{msg}");
                ExitCode::from(crate::exit::ERROR)
            }
            _ => ExitCode::SUCCESS,
        },
        Err(e) => {
            eprintln!("edgecap: terminal error: {e}");
            ExitCode::from(crate::exit::ERROR)
        }
    }
}

fn event_loop<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    rx: &Receiver<Action>,
    ctx: &mut effects::EffectContext,
) -> io::Result<()>
where
    io::Error: From<B::Error>,
{
    while !app.quit {
        terminal.draw(|f| f.render_widget(&Screen { app }, f.area()))?;
        // Effects run after the frame that shows them pending ("reading the
        // frames…"), so a slow re-read (gzip) is never a blank pause.
        for effect in std::mem::take(&mut app.effects) {
            if let Some(result) = effects::run(&effect, app, ctx) {
                update(app, result);
            }
        }
        while let Ok(action) = rx.try_recv() {
            update(app, action);
        }
        if event::poll(TICK)? {
            let action = match event::read()? {
                Event::Key(key) => keymap::map(key, app.input_mode()),
                Event::Mouse(m) => keymap::map_mouse(m),
                Event::Resize(w, h) => Some(Action::Resize(w, h)),
                _ => None,
            };
            if let Some(a) = action {
                update(app, a);
            }
        }
    }
    Ok(())
}
