//! Long-term TURN credentials given on the command line
//! (`--credential user:realm:password`) and how a message's USERNAME and
//! REALM are matched against them.
//!
//! This module owns parsing and matching only; it never sees packet bytes
//! and never prints a password (its `Debug` is redacted). Parsing splits the
//! user at the first colon and the password at the last, so a realm may hold
//! colons; a user written `hex:…` (a binary MS-TURN USERNAME, as the reports
//! show it) keeps its prefix.

use std::fmt;
use std::str::FromStr;

/// One `user:realm:password` long-term credential (RFC 5389 §10.2).
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// USERNAME as typed (`hex:…` also matches a binary USERNAME).
    pub user: String,
    /// REALM as typed.
    pub realm: String,
    /// The password (never printed).
    pub password: String,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("user", &self.user)
            .field("realm", &self.realm)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Why a `--credential` value was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialError(&'static str);

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for CredentialError {}

impl FromStr for Credential {
    type Err = CredentialError;

    /// Parses `user:realm:password`: user up to the first colon, password
    /// after the last one, the realm (which may contain colons) in between.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // A `hex:` user keeps its prefix: its first colon is not the separator.
        let skip = if s.starts_with("hex:") { 4 } else { 0 };
        let first = s[skip..].find(':').map(|i| i + skip);
        let (Some(first), Some(last)) = (first, s.rfind(':')) else {
            return Err(CredentialError("expected user:realm:password"));
        };
        if first == last {
            return Err(CredentialError(
                "expected user:realm:password (two colons at least)",
            ));
        }
        let user = &s[..first];
        let realm = &s[first + 1..last];
        let password = &s[last + 1..];
        if user.is_empty() {
            return Err(CredentialError("empty user in user:realm:password"));
        }
        if realm.is_empty() {
            return Err(CredentialError("empty realm in user:realm:password"));
        }
        Ok(Credential {
            user: user.to_string(),
            realm: realm.to_string(),
            password: password.to_string(),
        })
    }
}

/// Strips what libnice strips before hashing MS-TURN credentials: trailing
/// NULs, then one pair of surrounding double quotes.
fn ms_strip(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., 0] = s {
        s = rest;
    }
    if let [b'"', inner @ .., b'"'] = s {
        s = inner;
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if s.len() % 2 != 0 {
        return None;
    }
    s.chunks(2)
        .map(|p| {
            let d = |c: u8| (c as char).to_digit(16);
            Some((d(p[0])? * 16 + d(p[1])?) as u8)
        })
        .collect()
}

impl Credential {
    /// Whether this credential is for a message with these USERNAME and
    /// REALM bytes. `lenient` (MS-TURN) ignores surrounding quotes and
    /// trailing NULs on both sides.
    pub fn matches(&self, username: &[u8], realm: &[u8], lenient: bool) -> bool {
        let norm = |b: &[u8]| -> Vec<u8> {
            if lenient {
                ms_strip(b).to_vec()
            } else {
                b.to_vec()
            }
        };
        let user_ok = norm(self.user.as_bytes()) == norm(username)
            || self
                .user
                .strip_prefix("hex:")
                .and_then(unhex)
                .is_some_and(|u| norm(&u) == norm(username));
        user_ok && norm(self.realm.as_bytes()) == norm(realm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_user_realm_password() {
        let c: Credential = "alice:edgecap.test:secret".parse().expect("ok");
        assert_eq!(
            (c.user.as_str(), c.realm.as_str(), c.password.as_str()),
            ("alice", "edgecap.test", "secret")
        );
        let c: Credential = "bob:urn:realm:x:pw".parse().expect("ok");
        assert_eq!(
            (c.realm.as_str(), c.password.as_str()),
            ("urn:realm:x", "pw")
        );
        let c: Credential = "hex:00ff:rtcmedia:pw".parse().expect("ok");
        assert_eq!(
            (c.user.as_str(), c.realm.as_str()),
            ("hex:00ff", "rtcmedia")
        );
        let c: Credential = "bob:r:".parse().expect("empty password allowed");
        assert_eq!(c.password, "");
        for bad in [
            "",
            "alice",
            "alice:secret",
            ":realm:pw",
            "alice::pw",
            "hex:ab:pw",
        ] {
            assert!(bad.parse::<Credential>().is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let c: Credential = "alice:r:hunter2".parse().expect("ok");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn matching() {
        let c: Credential = "alice:edgecap.test:secret".parse().expect("ok");
        assert!(c.matches(b"alice", b"edgecap.test", false));
        assert!(!c.matches(b"alice", b"other", false));
        assert!(!c.matches(b"mallory", b"edgecap.test", false));
        let ms: Credential = "hex:00ff:rtcmedia:pw".parse().expect("ok");
        assert!(ms.matches(&[0x00, 0xff], b"\"rtcmedia\"", true));
        assert!(!ms.matches(&[0x00, 0xff], b"\"rtcmedia\"", false));
    }
}
