//! Upgrades (WebSockets): the handshake goes to the upstream on a connection of its own;
//! after `101 Switching Protocols` the gate copies bytes both ways until either side
//! closes or the switch halts, which closes both. Upgrades never pass while halted, on a
//! health path or not.

use std::net::SocketAddr;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ripcord_core::text::error_chain;

use crate::body::{GateBody, empty};
use crate::connection;
use crate::headers;
use crate::proxy::Inner;
use crate::refusal::{self, Refused};

pub(crate) async fn forward(
    gate: &Inner,
    mut request: Request<Incoming>,
    peer: SocketAddr,
) -> Response<GateBody> {
    let asked = refusal::negotiation(request.headers());
    let client_side = hyper::upgrade::on(&mut request);
    let protocol = headers::requested_upgrade(request.headers());
    let (mut parts, body) = request.into_parts();
    gate.prepare(&mut parts.headers, peer, protocol);
    let timeout = gate.config.upstream_connect_timeout;
    let mut sender = match connection::connect(&gate.upstream, timeout, true).await {
        Ok(sender) => sender,
        Err(failure) => {
            tracing::warn!(upstream = %gate.upstream, error = %error_chain(&failure), "cannot open a connection for an upgrade");
            return gate.refusals.answer(Refused::BadGateway, &asked);
        }
    };
    // A body, if the request has one, goes along (an upgrade may carry one).
    let mut upstream_request = Request::new(gate.body(body, true));
    *upstream_request.method_mut() = parts.method;
    *upstream_request.uri_mut() = connection::origin_form(&parts.uri);
    *upstream_request.headers_mut() = parts.headers;
    let mut response = match gate
        .answer(sender.send_request(upstream_request), true)
        .await
    {
        Ok(response) => response,
        Err(refused) => return gate.refusals.answer(refused, &asked),
    };
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        // Refused (a 400, a 404): pass the answer on, cut by a halt like any other.
        let (mut parts, body) = response.into_parts();
        headers::strip_hop_by_hop(&mut parts.headers, None);
        return Response::from_parts(parts, gate.body(body, true));
    }
    let upstream_side = hyper::upgrade::on(&mut response);
    let switch = gate.switch.clone();
    tokio::spawn(async move {
        let (client, upstream) = match tokio::try_join!(client_side, upstream_side) {
            Ok(both) => both,
            Err(error) => {
                tracing::debug!(%error, "an upgrade did not complete");
                return;
            }
        };
        let mut client = TokioIo::new(client);
        let mut upstream = TokioIo::new(upstream);
        tokio::select! {
            copied = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {
                if let Err(error) = copied {
                    tracing::debug!(%error, "an upgraded connection ended with an error");
                }
            }
            cause = switch.halted() => {
                tracing::info!(halted_by = %cause.scope, "closing an upgraded connection (WebSocket): halted");
            }
        }
    });
    let protocol = response.headers().get(hyper::header::UPGRADE).cloned();
    let (mut parts, _) = response.into_parts();
    headers::strip_hop_by_hop(&mut parts.headers, protocol);
    Response::from_parts(parts, empty())
}
