//! Short-lived tickets for event streams a browser opens: `EventSource` cannot send an
//! `Authorization` header, and a long-lived token in a URL ends up in proxy logs and
//! browser history. A ticket names the token it was issued for and expires after
//! [`TICKET_LIFETIME`]; it is signed with a key every replica shares (kept in the state
//! store), so any replica can redeem it, and it is only as good as its token: revoking the
//! token ends it too.

use std::time::Duration;

use jiff::Timestamp;

/// How long a ticket can open a stream. The stream itself lives until its token is
/// revoked; a reconnect after this needs a fresh bulk evaluation, which gives a new one.
pub(crate) const TICKET_LIFETIME: Duration = Duration::from_secs(300);

/// Issues and redeems tickets.
pub(crate) struct Tickets {
    key: Vec<u8>,
}

impl Tickets {
    pub(crate) fn new(key: &[u8]) -> Self {
        Tickets { key: key.to_vec() }
    }

    /// A ticket for the token with this hash: `v1.<hash>.<expiry, Unix seconds>.<mac>`.
    pub(crate) fn issue(&self, token_hash: &str, now: Timestamp) -> String {
        let lifetime = i64::try_from(TICKET_LIFETIME.as_secs()).unwrap_or(i64::MAX);
        let expires = now.as_second().saturating_add(lifetime);
        let mac = self.mac(token_hash, expires);
        format!("v1.{token_hash}.{expires}.{mac}")
    }

    /// The hash of the token a ticket was issued for, if it is genuine and not expired.
    pub(crate) fn redeem(&self, ticket: &str, now: Timestamp) -> Option<String> {
        let mut parts = ticket.split('.');
        let (Some("v1"), Some(hash), Some(expires), Some(mac), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let expires: i64 = expires.parse().ok()?;
        let genuine = same(self.mac(hash, expires).as_bytes(), mac.as_bytes());
        (genuine && now.as_second() < expires).then(|| hash.to_owned())
    }

    fn mac(&self, token_hash: &str, expires: i64) -> String {
        ripcord_core::chain::link(
            Some(&self.key),
            &[
                b"ripcord stream ticket",
                token_hash.as_bytes(),
                &expires.to_be_bytes(),
            ],
        )
    }
}

/// Compares in time that depends only on the length, so a forger learns nothing from
/// how long a refusal took.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_is_redeemed_until_it_expires_and_not_when_altered() {
        let tickets = Tickets::new(b"key");
        let now = Timestamp::from_second(1_800_000_000).expect("time");
        let ticket = tickets.issue("abc123", now);
        assert_eq!(tickets.redeem(&ticket, now).as_deref(), Some("abc123"));
        let later = now
            .checked_add(jiff::SignedDuration::from_secs(301))
            .expect("time");
        assert_eq!(tickets.redeem(&ticket, later), None, "expired");
        let other_key = Tickets::new(b"another key");
        assert_eq!(
            other_key.redeem(&ticket, now),
            None,
            "another replica's key"
        );
        let stretched = ticket.replace(
            &format!(".{}.", now.as_second() + 300),
            &format!(".{}.", now.as_second() + 99_999),
        );
        assert_eq!(tickets.redeem(&stretched, now), None, "a changed expiry");
        let other_token = ticket.replace("abc123", "abc124");
        assert_eq!(tickets.redeem(&other_token, now), None, "another token");
        for junk in ["", "v1", "v1.a.b.c", "v2.abc123.1.x", "v1.abc123.1.x.y"] {
            assert_eq!(tickets.redeem(junk, now), None, "{junk:?}");
        }
    }
}
