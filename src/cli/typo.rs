//! A mistyped subcommand (`edgecap sumary FILE`) would otherwise be taken
//! for a capture file name: when the first argument is no existing file and
//! is within two edits of a subcommand's name, say which one was meant.

use clap::CommandFactory;
use std::ffi::OsStr;
use std::path::Path;

use super::args::Cli;

/// Largest edit distance still taken for a typo.
const MAX_TYPO_DISTANCE: usize = 2;

/// The subcommand `first` (the first command-line argument) is a typo of,
/// unless it names an existing file, is an option or is too short to tell.
pub fn meant_subcommand(first: &OsStr) -> Option<String> {
    let word = first.to_str()?;
    if word.len() < 3 || word.starts_with('-') || Path::new(first).exists() {
        return None;
    }
    let cli = Cli::command();
    let mut best: Option<(usize, String)> = None;
    for name in cli.get_subcommands().map(|c| c.get_name().to_string()) {
        if name == word {
            return None;
        }
        let d = distance(word, &name);
        if d <= MAX_TYPO_DISTANCE && best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, name));
        }
    }
    best.map(|(_, name)| name)
}

/// Levenshtein distance over characters (short words: quadratic is fine).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_of_subcommands_are_recognised() {
        assert_eq!(
            meant_subcommand(OsStr::new("sumary")).as_deref(),
            Some("summary")
        );
        assert_eq!(
            meant_subcommand(OsStr::new("summray")).as_deref(),
            Some("summary")
        );
        assert_eq!(
            meant_subcommand(OsStr::new("laddr")).as_deref(),
            Some("ladder")
        );
        assert_eq!(
            meant_subcommand(OsStr::new("anotate")).as_deref(),
            Some("annotate")
        );
        // Exact names, options, unrelated words and existing files are not typos.
        for word in ["summary", "--json", "capture.pcap", "xyz", "Cargo.toml"] {
            assert_eq!(meant_subcommand(OsStr::new(word)), None, "{word}");
        }
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("summary", "summary"), 0);
    }
}
