//! Shell completions and the manual page, generated from the command-line
//! definition in [`super::args`] (`clap_complete`, `clap_mangen`), so they
//! can never disagree with the flags the binary accepts.

use super::args::Cli;
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::{self, Write};

/// Writes the completion script of `shell` for `edgecap`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "edgecap", &mut buf);
    out.write_all(&buf)?;
    out.flush()
}

/// Writes the manual page `edgecap(1)` in roff: the top-level synopsis and
/// options, then one section per subcommand (`EDGECAP SUMMARY`, …) with what
/// it does, its synopsis and its options, so one page documents every mode.
pub fn manpage(out: &mut dyn Write) -> io::Result<()> {
    let cmd = Cli::command();
    let top = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    top.render_title(&mut buf)?;
    top.render_name_section(&mut buf)?;
    top.render_synopsis_section(&mut buf)?;
    top.render_description_section(&mut buf)?;
    top.render_options_section(&mut buf)?;
    for sub in cmd.get_subcommands() {
        let title = format!("edgecap {}", sub.get_name());
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        buf.extend_from_slice(format!(".SH \"{}\"\n", title.to_uppercase()).as_bytes());
        buf.extend_from_slice(roff_text(&about).as_bytes());
        buf.push(b'\n');
        let man = clap_mangen::Man::new(sub.clone().bin_name(title));
        man.render_synopsis_section(&mut buf)?;
        man.render_options_section(&mut buf)?;
    }
    top.render_version_section(&mut buf)?;
    out.write_all(&buf)?;
    out.flush()
}

/// `text` as a roff paragraph: backslashes and hyphens escaped, and a line
/// starting with a dot or quote kept from being read as a request.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
