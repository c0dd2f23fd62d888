//! `edgecap completions SHELL` and `edgecap manpage` from the real binary:
//! bash really completes the subcommands and flags with the script, zsh and
//! fish scripts name them, and groff renders the man page without a warning,
//! with a section for every subcommand. bash and groff are required
//! (`scripts/test.sh` installs groff when missing).

mod common;

use common::edgecap;
use std::process::Command;

const SUBCOMMANDS: [&str; 6] = [
    "summary",
    "ladder",
    "annotate",
    "report",
    "completions",
    "manpage",
];

fn stdout_of(args: &[&str]) -> String {
    let o = edgecap(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}");
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// What bash's completion function offers for the words typed so far.
fn bash_complete(script: &str, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let program = format!(
        "{script}\nCOMP_WORDS=({line}); COMP_CWORD={cword}; COMP_LINE='{line}'; \
         COMP_POINT=${{#COMP_LINE}}; _edgecap edgecap '{cur}' '{prev}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        cword = words.len() - 1,
        cur = words.last().expect("a word"),
        prev = words[words.len() - 2],
    );
    let o = Command::new("bash")
        .args(["--norc", "-c", &program])
        .output()
        .expect("bash");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_flags() {
    let script = stdout_of(&["completions", "bash"]);
    let top = bash_complete(&script, &["edgecap", "''"]);
    for sub in SUBCOMMANDS {
        assert!(top.iter().any(|w| w == sub), "{sub} not offered: {top:?}");
    }
    let flags = bash_complete(&script, &["edgecap", "annotate", "--"]);
    for flag in ["--output", "--role", "--credential"] {
        assert!(flags.iter().any(|w| w == flag), "{flag}: {flags:?}");
    }
}

#[test]
fn zsh_and_fish_scripts_name_every_subcommand() {
    let zsh = stdout_of(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef edgecap"));
    let fish = stdout_of(&["completions", "fish"]);
    assert!(fish.contains("complete -c edgecap"));
    for sub in SUBCOMMANDS {
        assert!(zsh.contains(&format!("'{sub}:")), "zsh: {sub}");
        assert!(fish.contains(&format!("-a \"{sub}\"")), "fish: {sub}");
    }
    let bad = edgecap(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_man_page_renders_without_warnings_and_documents_every_mode() {
    let page = stdout_of(&["manpage"]);
    assert!(page.contains(".TH edgecap 1"), "{page}");
    let o = Command::new("groff")
        .args(["-man", "-T", "utf8", "-ww", "-P", "-cbou"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(page.as_bytes())?;
            child.wait_with_output()
        })
        .expect("groff (Debian package groff-base; scripts/test.sh installs it)");
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stderr), "", "groff warnings");
    let text = String::from_utf8_lossy(&o.stdout);
    for sub in SUBCOMMANDS {
        let title = format!("EDGECAP {}", sub.to_uppercase());
        assert!(text.contains(&title), "{title} missing");
    }
    for flag in ["--json-lines", "--output", "--format", "--fail-on"] {
        assert!(text.contains(flag), "{flag} missing");
    }
}
