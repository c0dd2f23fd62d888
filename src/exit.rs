//! The process exit codes, one set for every command (ripgrep's convention):
//! 0 when no finding reaches `--fail-on` (also when standard output is closed
//! early), 1 when one does, 2 when the run could not be done.

/// Exit code for a fatal error (unreadable input, not a capture, bad usage).
pub const ERROR: u8 = 2;
/// Exit code when a finding is at or above `--fail-on`.
pub const FINDINGS: u8 = 1;
