//! Who is asking. Every request but `/healthz`, `/readyz` and `/v1/hooks/*` needs a
//! bearer token once one exists; before that, like Redis's protected mode, the server
//! answers only requests that are plainly local: from a loopback peer, for a loopback
//! `Host`, and not forwarded by a proxy (a proxy on the same host, or a DNS-rebinding page
//! in a browser, must not get in). Refusals are counted as security events, aggregated
//! per minute, token and peer, and written in one batch, so a flood costs no more than a
//! trickle. Each token has its own rate limits for reads and for changes.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jiff::{Timestamp, Unit};
use ripcord_core::auth::{Permission, Role, Secret, TokenInfo, digest, token_from};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::{SecurityEvent, Storage, StorageError, TokenRecord};
use crate::ticket::Tickets;

/// Paths that authenticate by their own scheme, or must answer a platform's probes.
fn is_open(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz") || path.starts_with("/v1/hooks/")
}

/// Requests per token and minute, for reads and for changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// GET requests (board, events, agents, streams, long-polls) per token and minute.
    pub reads_per_minute: u32,
    /// Everything else (halts, resumes, reports, token changes) per token and minute.
    pub changes_per_minute: u32,
    /// OFREP flag evaluations per token and minute. Server SDKs ask once per evaluation,
    /// without a cache, so a service that reads the flag on every request sends a request
    /// per request; they only read memory, so the budget is large.
    pub evaluations_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            reads_per_minute: 60_000,
            changes_per_minute: 120,
            evaluations_per_minute: 6_000_000,
        }
    }
}

/// Who a request comes from, for the handlers.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// No token exists and the request is local (or the server runs without
    /// authentication on purpose): nobody is named.
    Local,
    Token {
        name: String,
        role: Role,
        /// The token's shown prefix, for security events.
        shown: String,
        hash: String,
        peer: SocketAddr,
    },
}

impl Caller {
    /// Refuses (403, counted) what this caller's role does not allow. A caller without a
    /// token may do everything but manage tokens: the first token is made on the store by
    /// the server's user, or any local user (or, with `--insecure-no-auth`, anyone) could
    /// make themselves admin and lock everyone else out.
    pub(crate) fn require(&self, auth: &Auth, permission: Permission<'_>) -> Result<(), ApiError> {
        match self {
            Caller::Local if matches!(permission, Permission::Administer) => {
                Err(ApiError::Forbidden(
                    "while no token exists, tokens are made on the store, on the server's host \
                     as the user that runs it: `ripcord token create --role admin --name NAME \
                     --data-dir DIR` (or with RIPCORD_DATABASE_URL)"
                        .into(),
                ))
            }
            Caller::Local => Ok(()),
            Caller::Token {
                name,
                role,
                shown,
                peer,
                ..
            } => {
                if permission.allowed(*role, name) {
                    return Ok(());
                }
                let why = format!("{role} token `{name}` may not {}", describe(permission));
                auth.refused(Refusal::Forbidden, shown, *peer, &why);
                Err(ApiError::Forbidden(why))
            }
        }
    }

    /// Whether this caller may do this, without counting a refusal: for what is only
    /// ignored when it may not (naming an agent on a stream).
    pub(crate) fn may(&self, permission: Permission<'_>) -> bool {
        match self {
            Caller::Local => !matches!(permission, Permission::Administer),
            Caller::Token { name, role, .. } => permission.allowed(*role, name),
        }
    }

    /// The name the audit log records, when the caller has one.
    pub(crate) fn name(&self) -> Option<&str> {
        match self {
            Caller::Local => None,
            Caller::Token { name, .. } => Some(name),
        }
    }

    /// The token's hash, for streams that must end when it is revoked.
    pub(crate) fn token_hash(&self) -> Option<&str> {
        match self {
            Caller::Local => None,
            Caller::Token { hash, .. } => Some(hash),
        }
    }
}

fn describe(permission: Permission<'_>) -> String {
    match permission {
        Permission::Read => "read".into(),
        Permission::Report { agent } => format!("report as agent `{agent}`"),
        Permission::RecordBackup => "record a backup".into(),
        Permission::Change => "halt or resume".into(),
        Permission::Administer => "manage tokens or read security events".into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Refusal {
    Unauthenticated,
    Forbidden,
    RateLimited,
}

impl Refusal {
    fn kind(self) -> &'static str {
        match self {
            Refusal::Unauthenticated => "unauthenticated",
            Refusal::Forbidden => "forbidden",
            Refusal::RateLimited => "rate_limited",
        }
    }
}

type RefusalKey = (Timestamp, Refusal, String, String);

/// Refusal rows kept between two writes. A flood from many peers (or with many made-up
/// tokens) folds into one row per minute and kind beyond it, so memory, the log and the
/// write that holds the database stay bounded however hard the server is hit.
const MAX_PENDING_REFUSALS: usize = 256;
/// The peer of the row that counts refusals beyond [`MAX_PENDING_REFUSALS`].
const MANY_PEERS: &str = "(many peers)";

/// The token cache, the refusals waiting to be written, and the rate limiters.
pub(crate) struct Auth {
    /// Valid and invalid tokens by hash, as storage last said.
    tokens: RwLock<HashMap<String, TokenInfo>>,
    /// Whether any token was ever created: until then only local requests get in.
    any_token: AtomicBool,
    /// Serve without authentication while no token exists (`--insecure-no-auth`).
    insecure: bool,
    used: Mutex<HashSet<String>>,
    refused: Mutex<HashMap<RefusalKey, (u64, String)>>,
    /// Counts reloads, so open streams re-check their token at once.
    reloads: tokio::sync::watch::Sender<u64>,
    reads: DefaultKeyedRateLimiter<String>,
    changes: DefaultKeyedRateLimiter<String>,
    evaluations: DefaultKeyedRateLimiter<String>,
    pub(crate) tickets: Tickets,
}

impl Auth {
    /// `ticket_key` signs event-stream tickets; replicas share it.
    pub(crate) fn new(limits: RateLimits, insecure: bool, ticket_key: &[u8]) -> Self {
        let quota = |per_minute: u32| {
            Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))
        };
        Auth {
            tokens: RwLock::new(HashMap::new()),
            any_token: AtomicBool::new(false),
            insecure,
            used: Mutex::new(HashSet::new()),
            refused: Mutex::new(HashMap::new()),
            reloads: tokio::sync::watch::Sender::new(0),
            reads: RateLimiter::keyed(quota(limits.reads_per_minute)),
            changes: RateLimiter::keyed(quota(limits.changes_per_minute)),
            evaluations: RateLimiter::keyed(quota(limits.evaluations_per_minute)),
            tickets: Tickets::new(ticket_key),
        }
    }

    /// Whether the server answers without tokens: none exists yet.
    pub(crate) fn without_tokens(&self) -> bool {
        !self.any_token.load(Ordering::Acquire)
    }

    /// Whether it answers everyone without tokens (`--insecure-no-auth`).
    pub(crate) fn insecure(&self) -> bool {
        self.insecure && self.without_tokens()
    }

    /// Reads the tokens from storage: at start, every keep-alive interval (so a
    /// revocation by another process takes effect within one), and after a change here.
    pub(crate) async fn reload(&self, storage: &dyn Storage) -> Result<(), StorageError> {
        let tokens = storage.tokens().await?;
        self.any_token.store(!tokens.is_empty(), Ordering::Release);
        let map = tokens
            .into_iter()
            .map(|token| (token.hash, token.info))
            .collect();
        *self.tokens.write().unwrap_or_else(PoisonError::into_inner) = map;
        self.reloads
            .send_modify(|count| *count = count.wrapping_add(1));
        Ok(())
    }

    /// Tells of each reload of the tokens.
    pub(crate) fn reloads(&self) -> tokio::sync::watch::Receiver<u64> {
        self.reloads.subscribe()
    }

    /// Whether the token with this hash still authenticates (streams ask at each
    /// keep-alive, so a revoked token's stream ends within one interval).
    pub(crate) fn still_valid(&self, hash: &str) -> bool {
        self.tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(hash)
            .is_some_and(|info| info.valid_at(Timestamp::now()))
    }

    fn refused(&self, refusal: Refusal, token: &str, peer: SocketAddr, detail: &str) {
        let minute = Timestamp::now()
            .round(
                jiff::TimestampRound::new()
                    .smallest(Unit::Minute)
                    .mode(jiff::RoundMode::Trunc),
            )
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut key = (minute, refusal, token.to_owned(), peer.ip().to_string());
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        if refused.len() >= MAX_PENDING_REFUSALS && !refused.contains_key(&key) {
            key = (minute, refusal, String::new(), MANY_PEERS.to_owned());
        }
        let entry = refused.entry(key).or_insert((0, String::new()));
        entry.0 += 1;
        entry.1 = detail.chars().take(300).collect();
    }

    /// Notes that the token with this hash was used, for its `last_used`: once per batch,
    /// without allocating for the tokens already noted (a busy token asks many times a
    /// second).
    fn note_use(&self, hash: &str) {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        if !used.contains(hash) {
            used.insert(hash.to_owned());
        }
    }

    /// The refusals and token uses since the last call, to write in one batch.
    pub(crate) fn take_pending(&self) -> (Vec<SecurityEvent>, Vec<String>) {
        let refused =
            std::mem::take(&mut *self.refused.lock().unwrap_or_else(PoisonError::into_inner));
        let events = refused
            .into_iter()
            .map(
                |((minute, refusal, token, peer), (count, detail))| SecurityEvent {
                    id: 0,
                    minute,
                    kind: refusal.kind().into(),
                    token,
                    peer,
                    count,
                    detail,
                },
            )
            .collect();
        let used = std::mem::take(&mut *self.used.lock().unwrap_or_else(PoisonError::into_inner));
        (events, used.into_iter().collect())
    }

    /// Who the request comes from, or why it is refused.
    fn identify(
        &self,
        headers: &HeaderMap,
        method: &Method,
        uri: &Uri,
        peer: SocketAddr,
    ) -> Result<Caller, ApiError> {
        // `Authorization: Bearer`, or OFREP's `X-API-Key`.
        let presented = headers
            .get(header::AUTHORIZATION)
            .map(|value| {
                value
                    .to_str()
                    .ok()
                    .and_then(bearer_credentials)
                    .unwrap_or("")
            })
            .or_else(|| {
                headers
                    .get(API_KEY_HEADER)
                    .map(|value| value.to_str().map(str::trim).unwrap_or(""))
            });
        if self.without_tokens() {
            if self.insecure || plainly_local(headers, peer) {
                return Ok(Caller::Local);
            }
            let why = "this server has no token yet and answers only local requests \
                       (a loopback peer and Host, not through a proxy); create a token with \
                       `ripcord token create --role admin --name NAME --data-dir DIR` on its host";
            self.refused(Refusal::Unauthenticated, "", peer, why);
            return Err(ApiError::Unauthenticated(why.into()));
        }
        let hash = match (presented, ticket_of(uri)) {
            (Some(presented), _) => match digest(presented) {
                Ok(digest) => digest.hash,
                Err(_) => {
                    let why = "the bearer token is not a ripcord token";
                    self.refused(Refusal::Unauthenticated, "", peer, why);
                    return Err(ApiError::Unauthenticated(why.into()));
                }
            },
            (None, Some(ticket)) => match self.tickets.redeem(ticket, Timestamp::now()) {
                Some(hash) => hash,
                None => {
                    let why = "the ticket is not valid or expired: evaluate the flags again \
                               for a fresh one";
                    self.refused(Refusal::Unauthenticated, "", peer, why);
                    return Err(ApiError::Unauthenticated(why.into()));
                }
            },
            (None, None) => {
                let why = "this request needs `Authorization: Bearer <token>`";
                self.refused(Refusal::Unauthenticated, "", peer, why);
                return Err(ApiError::Unauthenticated(why.into()));
            }
        };
        let known = self
            .tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&hash)
            .cloned();
        let info = match known {
            Some(info) if info.valid_at(Timestamp::now()) => info,
            Some(info) => {
                let why = if info.revoked.is_some() {
                    "the token was revoked"
                } else {
                    "the token expired"
                };
                self.refused(Refusal::Unauthenticated, &info.prefix, peer, why);
                return Err(ApiError::Unauthenticated(why.into()));
            }
            None => {
                // Not counted under its prefix: whoever sends made-up tokens chooses it,
                // and would get a row for each.
                let why = "unknown token";
                self.refused(Refusal::Unauthenticated, "", peer, why);
                return Err(ApiError::Unauthenticated(why.into()));
            }
        };
        let limiter = if uri.path().starts_with(EVALUATIONS) {
            &self.evaluations
        } else if matches!(*method, Method::GET | Method::HEAD) {
            &self.reads
        } else {
            &self.changes
        };
        if let Err(not_until) = limiter.check_key(&hash) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            self.refused(Refusal::RateLimited, &info.prefix, peer, "rate limit");
            return Err(ApiError::RateLimited(seconds.max(1)));
        }
        self.note_use(&hash);
        Ok(Caller::Token {
            name: info.name,
            role: info.role,
            shown: info.prefix,
            hash,
            peer,
        })
    }
}

/// OFREP's header for an API key: the same tokens as `Authorization: Bearer`.
const API_KEY_HEADER: &str = "x-api-key";
/// The paths of OFREP flag evaluations, which have their own budget.
const EVALUATIONS: &str = "/ofrep/v1/evaluate/";
/// The one path a ticket opens: OFREP's change notifications, for browsers.
const TICKETED: &str = "/ofrep/v1/events";

/// The `ticket` of a request to the ticketed stream.
fn ticket_of(uri: &Uri) -> Option<&str> {
    if uri.path() != TICKETED {
        return None;
    }
    uri.query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("ticket="))
}

/// The credentials of an `Authorization: Bearer …` value; the scheme is
/// case-insensitive and followed by spaces or tabs (RFC 9110, 11.1).
fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.split_once([' ', '\t'])?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim_matches([' ', '\t']))
}

/// Headers that proxies add: any of them means the request was passed on, whatever its
/// peer. A proxy that adds none (nginx's `proxy_pass` by default) cannot be told from a
/// local client: create a token before putting one in front.
const PROXY_HEADERS: &[&str] = &[
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
    "via",
];

/// A loopback peer, asking for a loopback host, with no sign of a proxy.
fn plainly_local(headers: &HeaderMap, peer: SocketAddr) -> bool {
    let forwarded = PROXY_HEADERS.iter().any(|name| headers.contains_key(*name))
        || headers.get_all(header::HOST).iter().count() > 1;
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let port_or_nothing =
        |rest: &str| rest.is_empty() || rest.strip_prefix(':').is_some_and(all_digits);
    let host_name = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((name, rest)) if port_or_nothing(rest) => name,
            _ => "",
        },
        None => host.rsplit_once(':').map_or(
            host,
            |(name, port)| {
                if all_digits(port) { name } else { host }
            },
        ),
    };
    let local_host = matches!(host_name, "localhost" | "127.0.0.1" | "::1");
    peer.ip().is_loopback() && local_host && !forwarded
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The middleware: identifies the caller, or answers 401/429.
pub(crate) async fn authenticate(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_open(request.uri().path()) {
        return next.run(request).await;
    }
    match state
        .auth
        .identify(request.headers(), request.method(), request.uri(), peer)
    {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            let mut response = next.run(request).await;
            if state.auth.insecure() {
                response.headers_mut().insert(
                    "x-ripcord-auth",
                    axum::http::HeaderValue::from_static("none"),
                );
            }
            response
        }
        Err(error) => error.into_response(),
    }
}

/// A new token: 256 random bits from the operating system, kept only as a hash.
pub fn new_token(
    name: &str,
    role: Role,
    expires_in: Option<Duration>,
    now: Timestamp,
) -> Result<(Secret, TokenRecord), TokenError> {
    ripcord_core::auth::check_token_name(name).map_err(TokenError::Invalid)?;
    let mut random = [0u8; ripcord_core::auth::TOKEN_BYTES];
    getrandom::fill(&mut random).map_err(|error| TokenError::Random(error.to_string()))?;
    let secret = token_from(&random);
    let digest = digest(secret.expose()).map_err(|error| TokenError::Invalid(error.to_string()))?;
    if expires_in.is_some_and(|duration| duration.is_zero()) {
        return Err(TokenError::InvalidExpiry(
            "an expiry of 0 makes a token that is expired when it is made".into(),
        ));
    }
    let expires = expires_in
        .map(|duration| {
            jiff::SignedDuration::try_from(duration)
                .ok()
                .and_then(|duration| now.checked_add(duration).ok())
                .ok_or_else(|| TokenError::InvalidExpiry("the expiry is too far away".into()))
        })
        .transpose()?;
    let record = TokenRecord {
        hash: digest.hash,
        info: TokenInfo {
            prefix: digest.shown,
            name: name.to_owned(),
            role,
            created: now,
            expires,
            last_used: None,
            revoked: None,
        },
    };
    Ok((secret, record))
}

/// Who changes tokens, for the audit log, and the chain's key.
#[derive(Debug, Clone, Copy)]
pub struct Changer<'a> {
    pub actor: &'a str,
    pub key: Option<&'a [u8]>,
}

/// Creates a token in `storage` and records it in the audit log: what `POST /v1/tokens`
/// and `ripcord token create` on the store both do.
pub async fn create_token(
    storage: &dyn Storage,
    name: &str,
    role: Role,
    expires_in: Option<Duration>,
    by: Changer<'_>,
) -> Result<(Secret, TokenInfo), TokenError> {
    let (secret, record) = new_token(name, role, expires_in, Timestamp::now())?;
    // Before the change: one the audit log could not record must not happen.
    crate::audit::check_key(storage, by.key).await?;
    storage.create_token(&record).await?;
    let log = storage.log_id().await?;
    let detail = serde_json::json!({ "prefix": record.info.prefix, "name": name, "role": role, "expires": record.info.expires });
    crate::audit::record(storage, by.key, &log, "token.created", by.actor, detail).await?;
    Ok((secret, record.info))
}

/// Revokes a token, given by its prefix, its name or itself, and records it in the audit
/// log; `None` when no live token matches.
pub async fn revoke_token(
    storage: &dyn Storage,
    prefix_or_name: &str,
    by: Changer<'_>,
) -> Result<Option<TokenInfo>, TokenError> {
    let reference = ripcord_core::auth::token_reference(prefix_or_name);
    crate::audit::check_key(storage, by.key).await?;
    let Some(revoked) = storage.revoke_token(&reference, Timestamp::now()).await? else {
        return Ok(None);
    };
    let log = storage.log_id().await?;
    let detail =
        serde_json::json!({ "prefix": revoked.prefix, "name": revoked.name, "role": revoked.role });
    crate::audit::record(storage, by.key, &log, "token.revoked", by.actor, detail).await?;
    Ok(Some(revoked))
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    InvalidExpiry(String),
    #[error("cannot draw random bytes from the operating system: {0}")]
    Random(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(host: &str, forwarded: bool) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().expect("header"));
        if forwarded {
            headers.insert("x-forwarded-for", "203.0.113.7".parse().expect("header"));
        }
        headers
    }

    #[test]
    fn only_plainly_local_requests_pass_without_a_token() {
        let loopback: SocketAddr = ([127, 0, 0, 1], 5000).into();
        let remote: SocketAddr = ([10, 0, 0, 2], 5000).into();
        for host in [
            "localhost",
            "localhost:7070",
            "127.0.0.1:7070",
            "[::1]:7070",
            "[::1]",
        ] {
            assert!(plainly_local(&headers(host, false), loopback), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:7070",
            "127.0.0.1.evil.example",
            "localhost.evil:80",
        ] {
            assert!(!plainly_local(&headers(host, false), loopback), "{host}");
        }
        assert!(!plainly_local(&headers("localhost", true), loopback));
        assert!(!plainly_local(&headers("localhost", false), remote));
        for host in ["[::1]evil.com", "[::1]@evil.com", "[::1]:", "localhost:"] {
            assert!(!plainly_local(&headers(host, false), loopback), "{host}");
        }
        // Any header a proxy adds, or a second Host, is a sign of a proxy.
        for proxy in PROXY_HEADERS {
            let mut passed_on = headers("localhost", false);
            passed_on.insert(*proxy, "x".parse().expect("header"));
            assert!(!plainly_local(&passed_on, loopback), "{proxy}");
        }
        let mut two_hosts = headers("localhost", false);
        two_hosts.append(header::HOST, "evil.example".parse().expect("header"));
        assert!(!plainly_local(&two_hosts, loopback));
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for value in [
            "Bearer rpc_x",
            "bearer rpc_x",
            "BEARER  rpc_x",
            "Bearer\trpc_x ",
        ] {
            assert_eq!(bearer_credentials(value), Some("rpc_x"), "{value:?}");
        }
        for value in ["Basic rpc_x", "Bearerrpc_x", "rpc_x"] {
            assert_eq!(bearer_credentials(value), None, "{value:?}");
        }
    }

    #[test]
    fn made_up_tokens_and_many_peers_cost_a_bounded_number_of_rows() {
        let auth = Auth::new(RateLimits::default(), false, b"key");
        auth.any_token.store(true, Ordering::Release);
        let peer: SocketAddr = ([203, 0, 113, 7], 5000).into();
        for _ in 0..1000 {
            let made_up: String = std::iter::repeat_with(|| fastrand::digit(16))
                .take(64)
                .collect();
            let made_up = format!("rpc_{made_up}");
            let mut headers = headers("ripcord.example", false);
            let value = format!("Bearer {made_up}");
            headers.insert(header::AUTHORIZATION, value.parse().expect("header"));
            let uri = Uri::from_static("/v1/switches");
            assert!(auth.identify(&headers, &Method::GET, &uri, peer).is_err());
        }
        let (rows, _) = auth.take_pending();
        assert_eq!(
            rows.len(),
            1,
            "one row for one peer, whatever tokens it made up"
        );
        assert_eq!((rows[0].count, rows[0].token.as_str()), (1000, ""));

        for index in 0..10_000u32 {
            let peer: SocketAddr = (std::net::Ipv4Addr::from(0x0a00_0000 + index), 5000).into();
            auth.refused(Refusal::Unauthenticated, "", peer, "no token");
        }
        let (rows, _) = auth.take_pending();
        assert_eq!(rows.len(), MAX_PENDING_REFUSALS + 1);
        assert_eq!(rows.iter().map(|row| row.count).sum::<u64>(), 10_000);
        assert!(rows.iter().any(|row| row.peer == MANY_PEERS));
    }

    #[test]
    fn without_a_token_anything_may_be_done_but_managing_tokens() {
        let auth = Auth::new(RateLimits::default(), true, b"key");
        let local = Caller::Local;
        assert!(local.require(&auth, Permission::Change).is_ok());
        assert!(local.may(Permission::Report { agent: "any/agent" }));
        let refused = local
            .require(&auth, Permission::Administer)
            .expect_err("no token may make a token");
        assert!(refused.to_string().contains("on the store"), "{refused}");
        let viewer = Caller::Token {
            name: "dash".into(),
            role: Role::Viewer,
            shown: "rpc_0".into(),
            hash: "h".into(),
            peer: ([127, 0, 0, 1], 1).into(),
        };
        assert!(!viewer.may(Permission::Report {
            agent: "victim/job"
        }));
        assert!(auth.take_pending().0.is_empty(), "`may` counts no refusal");
    }

    #[test]
    fn a_new_token_is_kept_only_as_a_hash() {
        let (secret, record) =
            new_token("ci", Role::Operator, None, Timestamp::UNIX_EPOCH).expect("token");
        assert!(secret.expose().starts_with("rpc_"));
        assert_ne!(record.hash, secret.expose());
        assert!(secret.expose().starts_with(&record.info.prefix));
        assert!(new_token("bad name", Role::Viewer, None, Timestamp::UNIX_EPOCH).is_err());
    }
}
