//! The gate's own answers: 503 while halted, 502 when the app does not answer. Small,
//! never cached, JSON or HTML by `Accept`, and never the halt's reason: that is for the
//! operators (`ripcord status`), not for the public.

use std::time::Duration;

use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Response, StatusCode};
use ripcord_core::Scope;

use crate::body::{GateBody, full};

/// Which refusal to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The scope is halted.
    Halted,
    /// The switch could not be confirmed and the failure policy is `closed`.
    Unconfirmed,
    /// The app behind the gate did not answer.
    BadGateway,
    /// The app did not start its answer within `gate.upstream_timeout`.
    GatewayTimeout,
    /// The request came back to the gate that sent it: the upstream is the gate.
    Loop,
    /// The client stopped sending its request's body (`gate.body_timeout`).
    RequestTimeout,
}

pub(crate) struct Refusals {
    retry_after: HeaderValue,
    scope: Scope,
}

impl Refusals {
    pub(crate) fn new(scope: Scope, retry_after: Duration) -> Self {
        Refusals {
            retry_after: HeaderValue::from(retry_after.as_secs().max(1)),
            scope,
        }
    }

    pub(crate) fn answer(&self, refused: Refused, request: &HeaderMap) -> Response<GateBody> {
        let (status, code, message) = match refused {
            Refused::Halted => (
                StatusCode::SERVICE_UNAVAILABLE,
                "halted",
                "This service is paused by its operators. Please try again later.",
            ),
            Refused::Unconfirmed => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unconfirmed",
                "This service cannot confirm that it may run. Please try again later.",
            ),
            Refused::BadGateway => (
                StatusCode::BAD_GATEWAY,
                "bad_gateway",
                "The service did not answer.",
            ),
            Refused::GatewayTimeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "gateway_timeout",
                "The service did not answer in time.",
            ),
            Refused::RequestTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "The request's body stopped arriving.",
            ),
            Refused::Loop => (
                StatusCode::LOOP_DETECTED,
                "loop",
                "The gate received its own request back: its upstream leads to itself.",
            ),
        };
        let (content_type, body) = if prefers_html(request) {
            let title = status.canonical_reason().unwrap_or("Unavailable");
            (
                "text/html; charset=utf-8",
                format!(
                    "<!doctype html><meta charset=utf-8><title>{code} {title}</title>\
                     <h1>{title}</h1><p>{message}</p>\n",
                    code = status.as_u16()
                ),
            )
        } else {
            (
                "application/json",
                serde_json::json!({ "error": code, "message": message, "scope": self.scope })
                    .to_string(),
            )
        };
        let mut response = Response::new(full(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, self.retry_after.clone());
            headers.insert("x-ripcord", HeaderValue::from_static(code));
        }
        response
    }
}

/// What a refusal needs of a request's headers (its `Accept` fields), kept when the
/// headers go on to the app.
pub(crate) fn negotiation(request: &HeaderMap) -> HeaderMap {
    request
        .get_all(header::ACCEPT)
        .iter()
        .map(|value| (header::ACCEPT, value.clone()))
        .collect()
}

/// Whether `Accept` prefers HTML to JSON: a browser's navigation does, an API client does
/// not. Order in the field stands in for quality values, which browsers do not use for
/// these two.
fn prefers_html(request: &HeaderMap) -> bool {
    let accept = request
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
        .to_ascii_lowercase();
    match (accept.find("text/html"), accept.find("application/json")) {
        (Some(html), Some(json)) => html < json,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).expect("value"));
        headers
    }

    #[test]
    fn browsers_get_html_and_everything_else_json() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(prefers_html(&accept(browser)));
        assert!(!prefers_html(&accept("application/json, text/html")));
        assert!(!prefers_html(&accept("*/*")));
        assert!(!prefers_html(&HeaderMap::new()));
    }

    #[tokio::test]
    async fn a_halt_answer_says_when_to_retry_is_never_cached_and_keeps_the_reason_private() {
        let scope: Scope = "api".parse().expect("scope");
        let refusals = Refusals::new(scope, Duration::from_secs(30));
        let response = refusals.answer(Refused::Halted, &HeaderMap::new());
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "30");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(json["error"], "halted");
        assert_eq!(json["scope"], "api");
        assert!(json.get("reason").is_none());
        let gateway = refusals.answer(Refused::BadGateway, &accept("text/html"));
        assert_eq!(gateway.status(), StatusCode::BAD_GATEWAY);
        assert!(!gateway.headers().contains_key(header::RETRY_AFTER));
        assert_eq!(
            gateway.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
    }
}
