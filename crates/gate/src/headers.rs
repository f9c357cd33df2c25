//! What a proxy changes in headers: hop-by-hop fields go (RFC 9110 §7.6.1), the
//! `X-Forwarded-*` fields tell the app who asked.

use std::net::SocketAddr;

use hyper::HeaderMap;
use hyper::header::{self, HeaderName, HeaderValue};

/// Fields that describe one connection, not the message; never forwarded.
const HOP_BY_HOP: &[HeaderName] = &[
    header::CONNECTION,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

/// Removes the hop-by-hop fields, and those the `Connection` field names. For an upgrade
/// (a WebSocket), `Connection: upgrade` and `Upgrade` are put back: they are the request.
pub(crate) fn strip_hop_by_hop(headers: &mut HeaderMap, upgrade: Option<HeaderValue>) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    // `Host` says which site is asked for; a client must not make the gate drop it.
    for name in HOP_BY_HOP
        .iter()
        .chain(named.iter().filter(|name| **name != header::HOST))
    {
        headers.remove(name);
    }
    for name in ["keep-alive", "proxy-connection"] {
        headers.remove(name);
    }
    if let Some(protocol) = upgrade {
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, protocol);
    }
}

/// The protocol a request asks to switch to (`websocket`), if it asks.
pub(crate) fn requested_upgrade(headers: &HeaderMap) -> Option<HeaderValue> {
    let asks = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"));
    asks.then(|| headers.get(header::UPGRADE).cloned())
        .flatten()
}

/// Appends this gate to `Via` (RFC 9110 §7.6.3) under `token`, a name of its own.
pub(crate) fn add_via(headers: &mut HeaderMap, token: &str) {
    if let Ok(value) = HeaderValue::from_str(&format!("1.1 {token}")) {
        headers.append(header::VIA, value);
    }
}

/// Whether a request already went through the gate named `token`: it came back to it.
pub(crate) fn came_through(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get_all(header::VIA)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|hop| hop.split_whitespace().nth(1) == Some(token))
}

/// Appends the client's address to `X-Forwarded-For`, and sets `X-Forwarded-Host` and
/// `X-Forwarded-Proto` when a proxy before the gate has not.
pub(crate) fn add_forwarded(headers: &mut HeaderMap, peer: SocketAddr) {
    const FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
    const HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
    const PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
    // Every field line, in order: a proxy before the gate may have added one of its own.
    let mut chain: Vec<String> = headers
        .get_all(&FOR)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(str::to_owned)
        .collect();
    chain.push(peer.ip().to_string());
    let chain = chain.join(", ");
    if let Ok(chain) = HeaderValue::from_str(&chain) {
        headers.insert(FOR, chain);
    }
    if !headers.contains_key(&HOST)
        && let Some(host) = headers.get(header::HOST).cloned()
    {
        headers.insert(HOST, host);
    }
    if !headers.contains_key(&PROTO) {
        headers.insert(PROTO, HeaderValue::from_static("http"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_bytes(name.as_bytes()).expect("name"),
                    HeaderValue::from_str(value).expect("value"),
                )
            })
            .collect()
    }

    #[test]
    fn hop_by_hop_fields_and_those_connection_names_are_removed() {
        let mut map = headers(&[
            ("connection", "keep-alive, x-secret-hop"),
            ("keep-alive", "timeout=5"),
            ("x-secret-hop", "1"),
            ("transfer-encoding", "chunked"),
            ("te", "trailers"),
            ("upgrade", "websocket"),
            ("content-type", "text/plain"),
        ]);
        strip_hop_by_hop(&mut map, None);
        let left: Vec<&str> = map.keys().map(HeaderName::as_str).collect();
        assert_eq!(left, ["content-type"]);
        let mut named_host = headers(&[("connection", "host"), ("host", "app.example")]);
        strip_hop_by_hop(&mut named_host, None);
        assert_eq!(named_host["host"], "app.example");
    }

    #[test]
    fn an_upgrade_keeps_its_protocol_and_nothing_else_of_the_hop() {
        let mut map = headers(&[
            ("connection", "keep-alive, Upgrade"),
            ("upgrade", "websocket"),
            ("sec-websocket-key", "abc"),
        ]);
        let protocol = requested_upgrade(&map).expect("an upgrade");
        strip_hop_by_hop(&mut map, Some(protocol));
        assert_eq!(map["connection"], "upgrade");
        assert_eq!(map["upgrade"], "websocket");
        assert_eq!(map["sec-websocket-key"], "abc");
        assert!(requested_upgrade(&headers(&[("upgrade", "websocket")])).is_none());
    }

    #[test]
    fn a_request_that_came_through_this_gate_is_recognised_by_its_via() {
        let mut map = headers(&[("via", "1.0 front, 1.1 ripcord-gate-ab")]);
        assert!(!came_through(&map, "ripcord-gate-cd"));
        add_via(&mut map, "ripcord-gate-cd");
        assert!(came_through(&map, "ripcord-gate-ab"));
        assert!(came_through(&map, "ripcord-gate-cd"));
        assert!(came_through(&map, "front"));
        assert!(!came_through(&map, "1.1"));
    }

    #[test]
    fn forwarded_fields_append_the_client_and_keep_what_an_earlier_proxy_said() {
        let peer: SocketAddr = "10.0.0.7:5000".parse().expect("addr");
        let mut map = headers(&[("host", "app.example"), ("x-forwarded-for", "203.0.113.9")]);
        map.append("x-forwarded-for", HeaderValue::from_static("198.51.100.1"));
        add_forwarded(&mut map, peer);
        assert_eq!(
            map["x-forwarded-for"],
            "203.0.113.9, 198.51.100.1, 10.0.0.7"
        );
        assert_eq!(map["x-forwarded-host"], "app.example");
        assert_eq!(map["x-forwarded-proto"], "http");
        let mut behind_tls = headers(&[("x-forwarded-proto", "https")]);
        add_forwarded(&mut behind_tls, peer);
        assert_eq!(behind_tls["x-forwarded-proto"], "https");
        assert_eq!(behind_tls["x-forwarded-for"], "10.0.0.7");
    }
}
